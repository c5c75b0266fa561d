module signalwire

go 1.26.8

require (
	github.com/alecthomas/chroma/v2 v2.27.0 // indirect
	github.com/dlclark/regexp2/v2 v2.2.1 // indirect
	github.com/traefik/yaegi v0.16.1 // indirect
	github.com/yuin/goldmark v1.8.7 // indirect
)
