/// Start-up sweep: a crash can leave only files nothing points at (writes in `tmp/`, blobs renamed into place
/// whose metadata never committed, blobs whose rows were deleted before the unlink ran). Removes them.
struct GarbageCollector {
    let metadata: MetadataStore
    let blobs: BlobStore

    struct Report {
        var temporaryFiles = 0
        var orphanedBlobs = 0
    }

    func collect() throws -> Report {
        var report = Report()
        report.temporaryFiles = blobs.clearTemporaryFiles()
        let referenced = try metadata.read { try $0.referencedBlobs() }
        let orphans = blobs.allNames().filter { !referenced.contains($0) }
        blobs.remove(orphans)
        report.orphanedBlobs = orphans.count
        return report
    }
}
