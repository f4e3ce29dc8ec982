import Dispatch
import Foundation

/// A request body as it arrives: framed by Content-Length or chunked transfer coding, read in large chunks.
/// Sends `100 Continue` on the first read, so a request rejected before its body is read never asks for it.
/// The whole body must arrive within its `BodyDeadline`, which starts with the first read.
final class RequestBody {
    /// Trailer fields after the last chunk are read and ignored, but only this many, and only this many bytes.
    static let maxTrailerFields = 32
    static let maxTrailerBytes = 16 << 10

    enum Framing: Equatable {
        case empty
        case length(UInt64)
        case chunked
    }

    let framing: Framing
    /// Body bytes read so far (after any chunked framing is removed).
    var bytesReceived: UInt64 { received }
    private let stream: SocketStream
    /// Where the two body buffers come from; asked only when the body is first read, so a request without a body
    /// never takes any.
    private let provideBuffers: () -> (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer)
    private var providedBuffers: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer)?
    private var buffers: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer) {
        if let providedBuffers { return providedBuffers }
        let provided = provideBuffers()
        providedBuffers = provided
        return provided
    }
    private var chunkBuffer: UnsafeMutableRawBufferPointer { buffers.0 }
    private var spareBuffer: UnsafeMutableRawBufferPointer { buffers.1 }
    private var expectsContinue: Bool
    private var remainingInChunk: UInt64 = 0
    private var finished: Bool
    private let timeout: Int
    private var deadline: BodyDeadline?
    private var received: UInt64 = 0
    /// The body's MD5, once storage has hashed all of it (PutObject, UploadPart, AppendObject), for the journal.
    var digestedMD5: [UInt8]?
    /// Set when reading failed (malformed framing, peer gone, timeout): the rest of the body cannot be found.
    private var broken = false
    /// The connection must close after this request whatever happens (ambiguous framing).
    private(set) var closesConnection = false
    /// Set when a fault rule slows this body down or cuts it off; nil otherwise.
    var fault: RequestBodyFault?

    /// `buffers` are two body buffers of equal size (the second is used by overlapped reads); `timeout` is the grace
    /// of the body's `BodyDeadline`, in seconds.
    convenience init(
        head: HTTPRequestHead, stream: SocketStream,
        buffers: (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer), timeout: Int
    ) throws(OSSError) {
        try self.init(head: head, stream: stream, lease: { buffers }, timeout: timeout)
    }

    /// Like `init(head:stream:buffers:timeout:)`, with the buffers borrowed from `lease` when first needed.
    init(
        head: HTTPRequestHead, stream: SocketStream,
        lease: @escaping () -> (UnsafeMutableRawBufferPointer, UnsafeMutableRawBufferPointer), timeout: Int
    ) throws(OSSError) {
        self.stream = stream
        self.timeout = timeout
        provideBuffers = lease
        let codings = head.headers.values("Transfer-Encoding")
            .flatMap { $0.lowercased().split(separator: ",").map { String($0.trimmingSpaces()) } }
            .filter { $0 != "identity" }
        let transferEncoding = codings.isEmpty ? nil : codings.joined(separator: ", ")
        let lengths = Set(head.headers.values("Content-Length").map { $0.trimmingCharacters(in: " ") })
        if let transferEncoding {
            guard transferEncoding == "chunked" else {
                throw OSSError(.notImplemented, "Transfer-Encoding \(transferEncoding) is not supported.")
            }
            framing = .chunked
            // RFC 9112 §6.1: a message with both framings may be an attempt at request smuggling; close after it.
            closesConnection = !lengths.isEmpty
        } else if let lengthText = lengths.first {
            // Digits only: `+5`, `-0` or two different values would let a body be read as the next request.
            guard lengths.count == 1, !lengthText.isEmpty, lengthText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let length = UInt64(lengthText)
            else {
                throw OSSError.invalidArgument(
                    "Content-Length must be one non-negative decimal integer.", name: "Content-Length",
                    value: head.headers.values("Content-Length").joined(separator: ", "))
            }
            framing = length == 0 ? .empty : .length(length)
            remainingInChunk = length
        } else {
            framing = .empty
        }
        finished = framing == .empty
        expectsContinue = head.expectsContinue && framing != .empty
    }

    /// The declared length, when the client sent Content-Length.
    var declaredLength: UInt64? {
        switch framing {
        case .empty: 0
        case .length(let length): length
        case .chunked: nil
        }
    }

    /// Streams the whole body through `consume` in chunks of at most the connection's buffer size.
    func forEachChunk(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            let count = try fill(chunkBuffer)
            if count == 0 { return }
            try consume(UnsafeRawBufferPointer(rebasing: chunkBuffer[..<count]))
        }
    }

    /// Like `forEachChunk` with two consumers, but overlapped: while `first` and `second` work on a chunk, each on its
    /// own thread, the next chunk is read from the socket into the spare buffer. Hashing, disk writes and network
    /// reads then proceed together. Each consumer sees every chunk, in order, one at a time.
    func forEachChunkOverlapped(
        _ first: (UnsafeRawBufferPointer) throws -> Void, _ second: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard declaredLength.map({ $0 > UInt64(chunkBuffer.count) }) ?? true else {
            return try forEachChunk { chunk in
                try first(chunk)
                try second(chunk)
            }
        }
        // The consumers never outlive this call: every chunk they were given is waited for before returning.
        try withoutActuallyEscaping(first) { first in
            try withoutActuallyEscaping(second) { second in
                let workers = OverlappedConsumers([first, second])
                var buffers = (chunkBuffer, spareBuffer)
                defer { workers.finish() }
                while true {
                    let count = try fill(buffers.0)
                    try workers.finishPrevious()
                    if count == 0 { return }
                    workers.start(UnsafeRawBufferPointer(rebasing: buffers.0[..<count]))
                    swap(&buffers.0, &buffers.1)
                }
            }
        }
    }

    /// Reads a small body (XML documents) into memory, refusing more than `limit` bytes.
    func readAll(limit: Int) throws -> [UInt8] {
        if let declared = declaredLength, declared > UInt64(limit) {
            throw OSSError(.entityTooLarge, "Your request body is larger than the maximum of \(limit) bytes.")
        }
        var bytes: [UInt8] = []
        try forEachChunk { chunk in
            guard bytes.count + chunk.count <= limit else {
                throw OSSError(.entityTooLarge, "Your request body is larger than the maximum of \(limit) bytes.")
            }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    /// Every byte of the body has been read.
    var isComplete: Bool { finished }

    /// Discards the rest of the body if it has already arrived (at most `limit` bytes), without waiting for more and
    /// without asking for it with `100 Continue`. True if the body is now complete and the connection can be reused.
    func discardArrived(limit: UInt64) -> Bool {
        if closesConnection || broken || expectsContinue { return false }
        if finished { return true }
        if let declared = declaredLength, declared > limit { return false }
        var discarded: UInt64 = 0
        do {
            return try stream.withoutWaiting {
                while discarded <= limit {
                    let count = try fill(chunkBuffer)
                    if count == 0 { return true }
                    discarded += UInt64(count)
                }
                return false
            }
        } catch {
            return false
        }
    }

    /// Fills `destination` as far as the body goes: a short count only at the end of the body, 0 once it is done.
    func fill(_ destination: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !broken else { throw OSSError(.incompleteBody, "The request body could not be read.") }
        var filled = 0
        do {
            while filled < destination.count {
                let count = try readStep(into: UnsafeMutableRawBufferPointer(rebasing: destination[filled...]))
                if count == 0 { break }
                filled += count
            }
        } catch SocketStream.Failure.wouldBlock {
            broken = true
            throw OSSError(.incompleteBody, "The request body has not arrived.")
        } catch SocketStream.Failure.timedOut {
            broken = true
            throw OSSError(
                .requestTimeout,
                "Your socket connection to the server was not read from or written to within the timeout period.")
        } catch is SocketStream.Failure {
            broken = true
            throw OSSError(.incompleteBody, "The request body ended before its declared length.")
        } catch HTTPRequestParser.Failure.malformed {
            broken = true
            throw OSSError(.invalidArgument, "Malformed chunked transfer coding.")
        } catch {
            broken = true
            throw error
        }
        return filled
    }

    /// One framing step: at most one socket read, never past the current chunk.
    private func readStep(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        if let fault { try fault.checkBeforeRead(received: received, finished: finished) }
        if finished { return 0 }
        if expectsContinue {
            expectsContinue = false
            try stream.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let deadline = self.deadline ?? BodyDeadline(grace: timeout)
        self.deadline = deadline
        stream.readDeadline = deadline.deadline(afterReceiving: received)
        switch framing {
        case .empty:
            return 0
        case .length:
            return try readFraming(into: destination)
        case .chunked:
            if remainingInChunk == 0 {
                try startNextChunk()
                if finished { return 0 }
            }
            let count = try readFraming(into: destination)
            if remainingInChunk == 0 {
                guard try stream.readLine(maxLength: 64).isEmpty else {
                    throw OSSError(.invalidArgument, "Malformed chunked transfer coding.")
                }
            }
            return count
        }
    }

    private func readFraming(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var wanted = Int(min(UInt64(destination.count), remainingInChunk))
        if let fault { wanted = fault.cap(wanted, received: received) }
        let count = try stream.readSome(into: UnsafeMutableRawBufferPointer(rebasing: destination[..<wanted]))
        guard count > 0 else { throw OSSError(.incompleteBody, "The request body ended before its declared length.") }
        remainingInChunk -= UInt64(count)
        received += UInt64(count)
        fault?.pacer?.sent(count)
        if case .length = framing, remainingInChunk == 0 { finished = true }
        return count
    }

    private func startNextChunk() throws {
        let line = try stream.readLine(maxLength: 4096)
        let sizeText = line.split(separator: ";", maxSplits: 1)[safe: 0]?.trimmingSpaces() ?? ""
        guard !sizeText.isEmpty, sizeText.count <= 16, sizeText.utf8.allSatisfy({ Encoding.hexValue($0) != nil }),
            let size = UInt64(sizeText, radix: 16)
        else {
            throw OSSError(.invalidArgument, "Malformed chunked transfer coding.")
        }
        if size == 0 {
            try skipTrailers()
            finished = true
        }
        remainingInChunk = size
    }

    /// Reads the trailer section up to its empty line; too many or too long trailers are refused (400).
    private func skipTrailers() throws {
        var fields = 0
        var bytes = 0
        while true {
            let line = try stream.readLine(maxLength: Self.maxTrailerBytes)
            if line.isEmpty { return }
            fields += 1
            bytes += line.utf8.count + 2
            guard fields <= Self.maxTrailerFields, bytes <= Self.maxTrailerBytes else {
                throw OSSError(
                    .invalidArgument,
                    "The chunked trailer section exceeds \(Self.maxTrailerFields) fields or \(Self.maxTrailerBytes) bytes."
                )
            }
        }
    }
}

/// What a fault rule does to a request body as it is read.
enum RequestBodyFault {
    /// The body is read no faster than the pacer allows.
    case throttle(Pacer)
    /// Reading fails once this many bytes were read, or at the end of a shorter body, before the handler has the
    /// whole of it: nothing can be stored. The connection is then reset (`ReplyFault.reset`).
    case resetAfter(UInt64)

    var pacer: Pacer? {
        if case .throttle(let pacer) = self { return pacer }
        return nil
    }

    func checkBeforeRead(received: UInt64, finished: Bool) throws(OSSError) {
        guard case .resetAfter(let limit) = self, received >= limit || finished else { return }
        throw OSSError(.incompleteBody, "The connection was reset by a fault rule.")
    }

    /// At most the bytes the fault lets through in one read.
    func cap(_ wanted: Int, received: UInt64) -> Int {
        switch self {
        case .throttle(let pacer): min(wanted, pacer.chunkSize)
        case .resetAfter(let limit): Int(min(UInt64(wanted), limit - min(limit, received)))
        }
    }
}

/// Runs chunk consumers concurrently, each on its own serial queue, one chunk at a time, and hands back the first
/// error. `@unchecked Sendable`: `chunk` and `consumers` change only while no consumer runs (ordered by `group`),
/// and `error` is behind `lock`.
private final class OverlappedConsumers: @unchecked Sendable {
    private var consumers: [(queue: DispatchQueue, consume: (UnsafeRawBufferPointer) throws -> Void)]
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var error: Error?
    private var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
    private var running = false

    init(_ consumers: [(UnsafeRawBufferPointer) throws -> Void]) {
        self.consumers = consumers.map { (DispatchQueue(label: "localoss.body-consumer"), $0) }
    }

    func start(_ chunk: UnsafeRawBufferPointer) {
        self.chunk = chunk
        running = true
        for index in consumers.indices {
            consumers[index].queue.async(group: group) { [self] in
                do {
                    try consumers[index].consume(self.chunk)
                } catch {
                    lock.withLock { self.error = self.error ?? error }
                }
            }
        }
    }

    /// Waits for the chunk in flight, if any, and rethrows the first error.
    func finishPrevious() throws {
        waitForPrevious()
        if let error = lock.withLock({ self.error }) { throw error }
    }

    /// Waits for the last chunk and lets go of the consumers, which must not outlive the caller's scope.
    func finish() {
        waitForPrevious()
        consumers.removeAll()
    }

    private func waitForPrevious() {
        guard running else { return }
        group.wait()
        running = false
    }
}
