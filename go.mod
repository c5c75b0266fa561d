module signalwire

go 1.26.8

require (
	github.com/traefik/yaegi v0.16.1
	github.com/yuin/goldmark v1.8.7
	golang.org/x/net v0.62.0
)
