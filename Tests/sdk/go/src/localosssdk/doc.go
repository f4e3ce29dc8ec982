// Package localosssdk holds the Go SDK test suite for LocalOSS.
//
// The tests drive Alibaba Cloud's OSS Go SDK (Debian's
// golang-github-aliyun-aliyun-oss-go-sdk-dev, v1.5.0) against a running
// LocalOSS server whose endpoint is given in LOCALOSS_ENDPOINT
// (e.g. http://127.0.0.1:9800 — an IP endpoint, because SDK 1.5 uses path-style
// addressing only for IP hosts). Use Tests/sdk/go/run.sh, which starts a server,
// builds in GOPATH mode and runs `go test -v`.
//
// Expectations come from the OSS documentation and the wire contract in
// docs/protocol (multipart.md, wire-and-auth.md, sdk-notes.md), never from
// whatever the server happens to return.
package localosssdk
