/// Everything the server needs to start, with the documented development defaults.
public struct Configuration: Sendable {
    public static let defaultAccessKeyID = "LocalOSSTestKey"
    public static let defaultAccessKeySecret = "LocalOSSTestSecret"

    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); the bound one is `Server.port`.
    public var port = 9800
    public var dataDirectory = "./localoss-data"
    public var accessKeyID = Configuration.defaultAccessKeyID
    public var accessKeySecret = Configuration.defaultAccessKeySecret
    /// Further access key pairs (id → secret), accepted besides the main one.
    public var extraCredentials: [String: String] = [:]
    /// The account UID of each further key that belongs to another account than the owner's (id → UID).
    public var extraAccounts: [String: String] = [:]
    /// Verify request signatures; off accepts any or no credentials.
    public var authenticationEnabled = true
    /// Seconds a signed request's time may differ from the server's clock (OSS: 15 minutes).
    public var maxClockSkew = 900
    /// fsync files and directories before metadata commits.
    public var durable = false
    /// Host names under which `<bucket>.<name>` selects virtual-hosted addressing.
    public var baseDomains = ["localhost"]
    /// The OSS region played: V4 signatures must be scoped to it, buckets report it as their location.
    public var region = "cn-hangzhou"
    /// Seconds a connection may sit idle, or stall mid-request, before it is closed.
    public var idleTimeout = 60
    /// Seconds a request head may take to arrive once it has started.
    public var headTimeout = 20
    /// Seconds a request body may take in all, plus one second per MiB received (`BodyDeadline`).
    public var bodyTimeout = 300
    /// Most connections open at once; beyond it new ones are answered 503 and closed. 0: no limit.
    public var maxConnections = 0
    /// Most worker threads serving requests at once (started as needed). Connections waiting for input take none;
    /// each request in progress, including a slow upload, takes one.
    public var workers = 56
    /// PEM certificate chain and private key: when both are set, the server speaks HTTPS only.
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// Required as `Authorization: Bearer <token>` by the control plane (`/_localoss/`) when set; without it the
    /// control plane is open on loopback and closed on any other address.
    public var adminToken: String?
    /// Requests the journal (`/_localoss/requests`) keeps, newest last; 0 keeps none.
    public var journalSize = 10_000
    /// Seeds request ids and upload ids (`--deterministic`), so two runs of one client give identical replies.
    public var deterministicSeed: String?
    /// CompleteMultipartUpload's minimum size of every part but the last (OSS: 100 KiB).
    public var minimumPartSize: Int64 = 102_400
    /// Seconds from a RestoreObject until the archived object is readable, the same for every archive class and
    /// tier (OSS takes minutes to hours; 0 restores at once). Long enough by default that a client's immediate
    /// second restore or HEAD sees the restore in progress, as the SDKs' suites expect.
    public var restoreDelaySeconds: Int64 = 2
    /// Fault rules in force from the start, as JSON: each text one rule object or an array of them (the bodies
    /// `POST /_localoss/faults` takes).
    public var faultRules: [String] = []
    /// Seconds between lifecycle sweeps (OSS: daily); 0 runs them only on `/_localoss/lifecycle/run` and when the
    /// control plane's clock changes.
    public var lifecycleInterval = 60
    /// Seconds between writes of buffered access-log lines into the buckets' logging targets; 0 writes them only on
    /// `/_localoss/logging/flush`, when the control plane's clock changes, and at stop. Hourly, as OSS delivers
    /// logs: an SDK suite that sets logging and deletes its buckets minutes later must not find log objects in them
    /// (the Go SDK's TestSetBucketLogging does just that).
    public var accessLogInterval = 3600
    /// A folder tree loaded at start (`--seed-dir`): first-level folders become buckets, the files below objects.
    public var seedDirectory: String?
    /// Bytes read from the socket per chunk of a body.
    public var bodyChunkSize = 1 << 20

    public init() {}

    var credentials: Credentials {
        var pairs = extraCredentials
        pairs[accessKeyID] = accessKeySecret
        var accounts = extraAccounts
        accounts[accessKeyID] = nil
        return Credentials(pairs, accounts: accounts)
    }
}
