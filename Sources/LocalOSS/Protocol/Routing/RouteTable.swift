/// Every operation LocalOSS implements, as rows of (method, level, operation-naming parameters). A new feature is a
/// new row here, a handler and a store call. Requests that no row claims are refused by `Router`'s gate.
enum RouteTable {
    static let routes: [Route] =
        [
            // Service. `regionList` (all regions) is the same listing here; `tagging` filters it.
            .service("GET", partners: ["regionList", "tagging"]) { _ in .listBuckets },
            .service("GET", ["regions"]) { request in .describeRegions(request.query["regions"]) },
            .service("GET", ["qosInfo"]) { _ in .getUserQoSInfo },
            .service("GET", ["publicAccessBlock"]) { _ in .getPublicAccessBlock },
            .service("PUT", ["publicAccessBlock"]) { _ in .putPublicAccessBlock },
            .service("DELETE", ["publicAccessBlock"]) { _ in .deletePublicAccessBlock },
            .service("GET", ["redundancyTransition"]) { _ in .listUserRedundancyTransitions },
            .service("GET", ["accessPoint"]) { _ in .accessPoint(nil, .list) },

            // Buckets.
            .bucket("GET") { bucket, request in .listObjects(bucket, version: request.query["list-type"] == "2" ? 2 : 1)
            },
            .bucket("GET", ["uploads"]) { bucket, _ in .listMultipartUploads(bucket) },
            .bucket("GET", ["acl"]) { bucket, _ in .getBucketACL(bucket) },
            .bucket("GET", ["location"]) { bucket, _ in .getBucketLocation(bucket) },
            .bucket("GET", ["bucketInfo"]) { bucket, _ in .getBucketInfo(bucket) },
            .bucket("GET", ["live"]) { bucket, _ in .listLiveChannels(bucket) },
            // Versioning: `versionId` on object requests is a modifier read by the handlers, never a route.
            .bucket("PUT", ["versioning"]) { bucket, _ in .putBucketVersioning(bucket) },
            .bucket("GET", ["versioning"]) { bucket, _ in .getBucketVersioning(bucket) },
            .bucket("GET", ["versions"]) { bucket, _ in .listObjectVersions(bucket) },
            .bucket("GET", ["stat"]) { bucket, _ in .getBucketStat(bucket) },
            .bucket("GET", ["policyStatus"]) { bucket, _ in .getBucketPolicyStatus(bucket) },
            .bucket("HEAD") { bucket, _ in .headBucket(bucket) },
            .bucket("PUT") { bucket, _ in .createBucket(bucket) },
            .bucket("PUT", ["acl"]) { bucket, _ in .putBucketACL(bucket) },
            .bucket("DELETE") { bucket, _ in .deleteBucket(bucket) },
            .bucket("POST", ["delete"]) { bucket, _ in .deleteMultipleObjects(bucket) },
            .bucket("PUT", ["encryption"]) { bucket, _ in .putBucketEncryption(bucket) },
            .bucket("GET", ["encryption"]) { bucket, _ in .getBucketEncryption(bucket) },
            .bucket("DELETE", ["encryption"]) { bucket, _ in .deleteBucketEncryption(bucket) },
            .bucket("PUT", ["bucketArchiveDirectRead"]) { bucket, _ in .putBucketArchiveDirectRead(bucket) },
            .bucket("GET", ["bucketArchiveDirectRead"]) { bucket, _ in .getBucketArchiveDirectRead(bucket) },
            // Retention policy (WORM): `wormId` alone locks the policy, with `wormExtend` it extends it.
            .bucket("POST", ["worm"]) { bucket, _ in .initiateBucketWorm(bucket) },
            .bucket("DELETE", ["worm"]) { bucket, _ in .abortBucketWorm(bucket) },
            .bucket("GET", ["worm"]) { bucket, _ in .getBucketWorm(bucket) },
            .bucket("POST", ["wormId"]) { bucket, request in .completeBucketWorm(bucket, id: request.query["wormId"]!)
            },
            .bucket("POST", ["wormExtend", "wormId"]) { bucket, request in
                .extendBucketWorm(bucket, id: request.query["wormId"]!)
            },
            // Data redundancy transitions; a GET naming a task is Get, one without is the bucket's list.
            .bucket("POST", ["redundancyTransition"]) { bucket, _ in .createRedundancyTransition(bucket) },
            .bucket("GET", ["redundancyTransition"]) { bucket, request in
                request.query.has(RedundancyTransitionHandler.taskParameter)
                    ? .getRedundancyTransition(bucket) : .listRedundancyTransitions(bucket)
            },
            .bucket("DELETE", ["redundancyTransition"]) { bucket, _ in .deleteRedundancyTransition(bucket) },
            // A POST without a sub-resource is a browser form upload (PostObject), never a batch delete.
            .bucket("POST") { bucket, _ in .unimplemented(UnimplementedRequest(bucket: bucket, feature: "PostObject"))
            },
            // Browsers preflight any request, sub-resources included (a multipart upload preflights `?uploads`).
            // Bucket tags; each row keeps PutBucket, DeleteBucket and ListObjects away from `?tagging`.
            .bucket("GET", ["tagging"]) { bucket, _ in .getBucketTags(bucket) },
            .bucket("PUT", ["tagging"]) { bucket, _ in .putBucketTags(bucket) },
            .bucket("DELETE", ["tagging"]) { bucket, _ in .deleteBucketTags(bucket) },
            // Inventory configurations (`inventoryId` names one) and access points (named in a header).
            .bucket("PUT", ["inventory"]) { bucket, request throws(OSSError) in
                .inventory(bucket, .put(id: try InventoryRequest.id(request.query)))
            },
            .bucket("GET", ["inventory"]) { bucket, request in
                .inventory(bucket, request.query["inventoryId"].map { .get(id: $0) } ?? .list)
            },
            .bucket("DELETE", ["inventory"]) { bucket, request throws(OSSError) in
                .inventory(bucket, .delete(id: try InventoryRequest.id(request.query)))
            },
            .bucket("PUT", ["accessPoint"]) { bucket, _ in .accessPoint(bucket, .create) },
            .bucket("GET", ["accessPoint"]) { bucket, request in
                guard let name = request.head.headers[AccessPointRequest.nameHeader] else {
                    return .accessPoint(bucket, .list)
                }
                return .accessPoint(bucket, .get(name))
            },
            .bucket("DELETE", ["accessPoint"]) { bucket, request throws(OSSError) in
                .accessPoint(bucket, .delete(try AccessPointRequest.named(request)))
            },
            .bucket("PUT", ["accessPointPolicy"]) { bucket, request throws(OSSError) in
                .accessPoint(bucket, .putConfiguration(try AccessPointRequest.named(request), AccessPointPolicy.kind))
            },
            .bucket("GET", ["accessPointPolicy"]) { bucket, request throws(OSSError) in
                .accessPoint(bucket, .getConfiguration(try AccessPointRequest.named(request), AccessPointPolicy.kind))
            },
            .bucket("DELETE", ["accessPointPolicy"]) { bucket, request throws(OSSError) in
                .accessPoint(
                    bucket, .deleteConfiguration(try AccessPointRequest.named(request), AccessPointPolicy.kind))
            },
            .bucket("OPTIONS", partners: SubresourceCatalog.all) { bucket, _ in .preflight(bucket, key: nil) },

            // Objects.
            .object("GET") { address, _ in .getObject(address) },
            .object("GET", ["acl"]) { address, _ in .getObjectACL(address) },
            .object("GET", ["uploadId"]) { address, request in .listParts(address, uploadID: request.query["uploadId"]!)
            },
            .object("HEAD") { address, _ in .headObject(address) },
            .object("HEAD", ["objectMeta"]) { address, _ in .getObjectMeta(address) },
            .object("PUT") { address, request throws(OSSError) in
                guard let source = request.head.headers["x-oss-copy-source"] else { return .putObject(address) }
                return .copyObject(address, source: try Router.copySource(source))
            },
            .object("PUT", ["acl"]) { address, _ in .putObjectACL(address) },
            .object("PUT", ["uploadId"], partners: ["partNumber"]) { address, request throws(OSSError) in
                let uploadID = request.query["uploadId"]!
                guard let partText = request.query["partNumber"] else {
                    throw OSSError.invalidArgument("Part number must be specified.", name: "partNumber", value: "")
                }
                let part = try PartNumber(validating: partText)
                guard let source = request.head.headers["x-oss-copy-source"] else {
                    return .uploadPart(address, uploadID: uploadID, part: part)
                }
                return .uploadPartCopy(address, uploadID: uploadID, part: part, source: try Router.copySource(source))
            },
            .object("POST", ["uploads"]) { address, _ in .initiateMultipartUpload(address) },
            .object("POST", ["uploadId"]) { address, request in
                .completeMultipartUpload(address, uploadID: request.query["uploadId"]!)
            },
            .object("POST", ["append"], partners: ["position"]) { address, _ in .appendObject(address) },
            .object("POST", ["restore"]) { address, _ in .restoreObject(address) },
            .object("POST", ["cleanRestoredObject"]) { address, _ in .cleanRestoredObject(address) },
            .object("DELETE") { address, _ in .deleteObject(address) },
            .object("DELETE", ["uploadId"]) { address, request in
                .abortMultipartUpload(address, uploadID: request.query["uploadId"]!)
            },
            // Object tags and symlinks; these rows keep PutObject, GetObject and DeleteObject away from the object.
            .object("GET", ["tagging"]) { address, _ in .getObjectTagging(address) },
            .object("PUT", ["tagging"]) { address, _ in .putObjectTagging(address) },
            .object("DELETE", ["tagging"]) { address, _ in .deleteObjectTagging(address) },
            .object("PUT", ["symlink"]) { address, _ in .putSymlink(address) },
            .object("GET", ["symlink"]) { address, _ in .getSymlink(address) },
            // No DeleteSymlink exists: a link is an object. oss2's suite, written against OSS, deletes a link's
            // version with `?symlink` still in its parameters (left there by `get_symlink`) and expects 204.
            .object("DELETE", ["symlink"]) { address, _ in .deleteObject(address) },
            // Live channels: the channel's name is in the key position; `status` and `comp` qualify `live`.
            .object("PUT", ["live"]) { address, request in
                .liveChannel(address, request.query["status"].map { .setStatus($0) } ?? .create)
            },
            .object("GET", ["live"]) { address, request throws(OSSError) in
                .liveChannel(address, try LiveChannelRequest.get(request.query))
            },
            .object("DELETE", ["live"]) { address, _ in .liveChannel(address, .delete) },
            .object("POST", ["vod"]) { address, _ in .liveChannel(address, .postVodPlaylist) },
            .object("GET", ["vod"]) { address, _ in .liveChannel(address, .getVodPlaylist) },
            .object("OPTIONS", partners: SubresourceCatalog.all) { address, _ in
                .preflight(address.bucket, key: address.key)
            },
        ] + BucketConfigurationKind.all.flatMap(\.routes)

    /// The most specific row that claims the request (ListParts' `uploadId` over GetObject's none).
    static func route(method: String, level: ResourceLevel, named: Set<String>) -> Route? {
        // Only the rows of this method and level are tried; the common request names no sub-resource at all and
        // matched a set operation against all 120 rows (a tenth of a small GET).
        var best: Route?
        for route in rowsByMethodAndLevel[RowKey(method: method, level: level)] ?? []
        where route.claims(method: method, level: level, named: named) {
            if best.map({ route.subresources.count > $0.subresources.count }) ?? true { best = route }
        }
        return best
    }

    private struct RowKey: Hashable {
        let method: String
        let level: ResourceLevel
    }

    private static let rowsByMethodAndLevel: [RowKey: [Route]] = Dictionary(
        grouping: routes, by: { RowKey(method: $0.method, level: $0.level) })

    /// The methods some row serves at a level: the `Allow` header of a `MethodNotAllowed` reply.
    static func methods(at level: ResourceLevel) -> [String] {
        var seen: [String] = []
        for route in routes where route.level == level && !seen.contains(route.method) { seen.append(route.method) }
        return seen
    }
}
