// Package localosstest starts LocalOSS, a local emulator of Alibaba Cloud OSS, from Go tests and steers it
// through its control plane (/_localoss/: health, metrics, faults, the request journal, reset and snapshots,
// the clock).
//
//	func TestUpload(t *testing.T) {
//		s := localosstest.Start(t) // stopped, and its data removed, by t.Cleanup
//		client, _ := oss.New(s.Endpoint, s.AccessKeyID, s.AccessKeySecret)
//		client.CreateBucket("demo")
//		id, _ := s.Faults().Add(localosstest.Fault{
//			Match:  localosstest.Match{Operation: "PutObject"},
//			Action: localosstest.ErrorAction(503, "ServiceUnavailable"),
//			Times:  1,
//		})
//		...
//	}
//
// The binary is the one given with WithBinary, else $LOCALOSS_BIN, else localoss on PATH. New and Close do the
// same without a testing.TB, for a TestMain that shares one server between a package's tests (then Reset,
// Faults().Clear() and ClearRequests() between tests as needed).
//
// The package uses the standard library only, and its import path is
// github.com/localoss/localoss/clients/go/localosstest. In GOPATH mode, copy (or symlink) this folder of the
// LocalOSS repository, Sources/clients/go/localosstest, to $GOPATH/src/github.com/localoss/localoss/clients/go/localosstest;
// to vendor it, copy it to vendor/github.com/localoss/localoss/clients/go/localosstest. Only the non-test files
// are needed. In a module, copying the files into a package of the module under any path works as well.
package localosstest
