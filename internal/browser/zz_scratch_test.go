package browser

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestScratchRules(t *testing.T) {
	page := os.Getenv("PAGE")
	if page == "" {
		t.Skip()
	}
	ctx := New(t)
	srv := httptest.NewServer(http.FileServer(http.Dir("../../public")))
	defer srv.Close()
	if err := chromedp.Do(ctx, Viewport(1280, 900, "light", false), chromedp.Navigate(srv.URL+"/"+page)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+"\n;true")); err != nil {
		t.Fatal(err)
	}
	var ids []string
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(axe.getRules(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).map(r => r.ruleId))`))
	json.Unmarshal([]byte(s), &ids)
	type rt struct {
		id string
		d  time.Duration
	}
	var rs []rt
	t0 := time.Now()
	for _, id := range ids {
		t1 := time.Now()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "rule", values: [`+"\""+id+"\""+`]}, resultTypes: ["violations"]}).then(r => "x")`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, rt{id, time.Since(t1)})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	for _, r := range rs[:15] {
		t.Logf("%-30s %v", r.id, r.d)
	}
	t.Logf("all separately %v (%d rules)", time.Since(t0), len(ids))
	t1 := time.Now()
	chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}, resultTypes: ["violations"]}).then(r => "x")`, chromedp.EvalAwaitPromise))
	t.Logf("together %v", time.Since(t1))
}
