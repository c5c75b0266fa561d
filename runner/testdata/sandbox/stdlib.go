package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

func main() {
	n := flag.Int("n", 2, "repeat")
	flag.Parse()
	os.Setenv("GREETING", "hello")
	if err := os.MkdirAll(filepath.Join("data", "sub"), 0o755); err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Create(filepath.Join("data", "sub", "words.txt"))
	if err != nil {
		fmt.Println(err)
		return
	}
	w := bufio.NewWriter(f)
	for i := 0; i < *n; i++ {
		fmt.Fprintln(w, os.Getenv("GREETING"), i)
	}
	w.Flush()
	f.Close()
	fs.WalkDir(os.DirFS("data"), ".", func(p string, d fs.DirEntry, err error) error {
		fmt.Println("walk", p, d.IsDir())
		return err
	})
	b, _ := os.ReadFile("data/sub/words.txt")
	fmt.Println(regexp.MustCompile(`\d`).FindAllString(string(b), -1))
	fmt.Printf("%x\n", sha256.Sum256(b))
	fmt.Println(base64.StdEncoding.EncodeToString([]byte("go")))
	x, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"w"`
		N       int      `xml:"n"`
	}{N: *n})
	fmt.Println(string(x))
	template.Must(template.New("t").Parse("{{.}} {{len .}}\n")).Execute(os.Stdout, strings.Fields(string(b)))
}
