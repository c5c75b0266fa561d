package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (Mozilla Public License 2.0, beside it),
// fetched from the npm registry by scripts/axe.sh. Tests inject it into the
// page they check; the site never loads it.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// A Violation is a rule of axe-core that a page breaks.
type Violation struct {
	ID      string   // the rule: "color-contrast"
	Impact  string   // "minor", "moderate", "serious" or "critical"
	Help    string   // what the rule asks
	Targets []string // a CSS selector of each node that breaks it
}

func (v Violation) String() string {
	targets := v.Targets
	more := ""
	if len(targets) > 3 {
		targets, more = targets[:3], fmt.Sprintf(" and %d more", len(v.Targets)-3)
	}
	return fmt.Sprintf("%s (%s, %d nodes): %s: %s%s", v.ID, v.Impact, len(v.Targets), v.Help, strings.Join(targets, ", "), more)
}

// Axe runs axe-core over the page open in ctx, with the rules of WCAG 2.2
// A and AA and axe's best practices, and returns what it finds. The
// elements matched by the CSS selectors in exclude, and their content, are
// left out.
func Axe(ctx context.Context, exclude ...string) ([]Violation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+"\n;true")); err != nil {
			return nil, fmt.Errorf("loading axe-core: %w", err)
		}
	}
	scope := "document"
	if len(exclude) > 0 {
		var sel [][]string // one selector each, in the top document
		for _, e := range exclude {
			sel = append(sel, []string{e})
		}
		b, err := json.Marshal(map[string]any{"include": [][]string{{"html"}}, "exclude": sel})
		if err != nil {
			return nil, err
		}
		scope = string(b)
	}
	run := `axe.run(` + scope + axeRun
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, fmt.Errorf("reading axe-core's result: %w", err)
	}
	return vs, nil
}

// axeRun is the rest of the call of axe.run after its context: the rules
// and what comes back.
const axeRun = `, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"],
	}).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		targets: v.nodes.map(n => n.target.join(" ")),
	}))))`
