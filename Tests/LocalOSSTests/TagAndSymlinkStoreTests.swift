import Foundation
import Testing

@testable import LocalOSS

/// Tags and symlinks in the stores: rows owned by their object, upload or bucket (schema 6).
@Suite struct TagAndSymlinkStoreTests {
    private typealias OSSTag = LocalOSS.Tag

    private func count(_ stores: StoreTests.Stores, _ table: String) throws -> Int64 {
        try stores.metadata.read { catalog in
            let statement = try catalog.database.prepare("SELECT COUNT(*) FROM \(table)")
            _ = try statement.step()
            return statement.int(0)
        }
    }

    @Test func tagsBelongToTheObjectAndGoWithIt() throws {
        let stores = try StoreTests.Stores()
        let key = try stores.address("k")
        _ = try stores.put("k", Array("one".utf8))
        try stores.objects.setObjectTags(key, [OSSTag(key: "a", value: "1"), OSSTag(key: "b", value: "")])
        #expect(try stores.objects.objectTags(key).1 == [OSSTag(key: "a", value: "1"), OSSTag(key: "b", value: "")])
        #expect(try stores.objects.readableObject(key).tagCount == 2)
        // Clearing the tags keeps the object.
        try stores.objects.setObjectTags(key, [])
        #expect(try stores.read("k") == Array("one".utf8))
        // An overwrite starts without tags; a delete leaves no tag rows behind.
        try stores.objects.setObjectTags(key, [OSSTag(key: "a", value: "1")])
        _ = try stores.put("k", Array("two".utf8))
        #expect(try stores.objects.objectTags(key).1 == [])
        try stores.objects.setObjectTags(key, [OSSTag(key: "a", value: "1")])
        try stores.objects.deleteObject(key)
        #expect(try count(stores, "object_tags") == 0)
    }

    @Test func copiesKeepOrReplaceTags() throws {
        let stores = try StoreTests.Stores()
        _ = try stores.put("src", Array("bytes".utf8))
        try stores.objects.setObjectTags(try stores.address("src"), [OSSTag(key: "a", value: "1")])
        let source = CopySource(bucket: stores.bucket.value, key: "src", alternateKey: nil)
        for (destination, tags) in [("kept", nil), ("replaced", [OSSTag(key: "z", value: "9")])]
            as [(String, [OSSTag]?)]
        {
            _ = try stores.objects.copyObject(
                from: source, to: try stores.address(destination),
                options: ObjectStore.CopyOptions(replacement: nil, acl: .default, forbidOverwrite: false, tags: tags)
            ) { _ in }
        }
        #expect(try stores.objects.objectTags(try stores.address("kept")).1 == [OSSTag(key: "a", value: "1")])
        #expect(try stores.objects.objectTags(try stores.address("replaced")).1 == [OSSTag(key: "z", value: "9")])
    }

    @Test func symlinksResolveInTheirBucket() throws {
        let stores = try StoreTests.Stores()
        _ = try stores.put("target", Array("hello".utf8))
        let options = ObjectStore.SymlinkOptions(
            metadata: ObjectMetadata(contentType: "application/octet-stream", headers: [["x-oss-meta-a", "link"]]),
            acl: .default, storageClass: nil, forbidOverwrite: false, tags: [])
        let link = try stores.objects.putSymlink(try stores.address("link"), target: "target", options: options)
        #expect(link.type == .symlink && link.size == 0)
        #expect(try stores.read("link") == Array("hello".utf8))
        let followed = try stores.objects.readableObject(try stores.address("link"))
        #expect(
            followed.type == .symlink && followed.size == 5 && followed.metadata.value(of: "x-oss-meta-a") == "link")
        #expect(try stores.objects.symlink(try stores.address("link")).symlinkTarget == "target")
        #expect(throws: OSSError.self) { try stores.objects.symlink(try stores.address("target")) }
        // Overwriting the link with an object drops its target row; deleting the target makes the link dangle.
        _ = try stores.objects.putSymlink(try stores.address("gone"), target: "target", options: options)
        _ = try stores.put("gone", Array("now plain".utf8))
        #expect(try count(stores, "symlinks") == 1)
        try stores.objects.deleteObject(try stores.address("target"))
        do {
            _ = try stores.objects.readableObject(try stores.address("link"))
            Issue.record("a dangling link was read")
        } catch let error as OSSError {
            #expect(error.code == .symlinkTargetNotExist)
        }
    }

    @Test func bucketTagsAndTheListingFilter() throws {
        let stores = try StoreTests.Stores()
        let other = try BucketName(validating: "other-bucket")
        try stores.objects.createBucket(other, acl: nil, storageClass: nil, redundancy: nil)
        try stores.objects.setBucketTags(
            stores.bucket, [OSSTag(key: "env", value: "dev"), OSSTag(key: "k", value: "")])
        try stores.objects.setBucketTags(other, [OSSTag(key: "env", value: "prod")])
        let names = { (tag: (key: String, value: String?)) in
            try stores.objects.listBuckets(prefix: nil, marker: nil, limit: 10, tag: tag).map(\.name)
        }
        #expect(try names(("env", nil)) == ["other-bucket", "store-bucket"])
        #expect(try names(("env", "dev")) == ["store-bucket"])
        #expect(try names(("none", nil)) == [])
        try stores.objects.deleteBucketTags(stores.bucket, keys: ["env"])
        #expect(try stores.objects.bucketTags(stores.bucket) == [OSSTag(key: "k", value: "")])
        try stores.objects.deleteBucket(other)
        #expect(try count(stores, "bucket_tags") == 1)
    }
}
