import Advocate
@testable import AdvocateServer
import Foundation
import Testing

/// Clients that hold connections without finishing requests: a body sent a byte at a time, and
/// more connections than the server keeps descriptors for (a flood of them ended the process).
@Suite(.timeLimit(.minutes(1))) struct StalledClientTests {
    /// The idle timeout restarts with every byte; the body's deadline does not, so a body
    /// trickled a byte at a time is answered 408 and its connection closed.
    @Test func aBodyTrickledAByteAtATimeIsAnswered408() async throws {
        let fixture = try ServerFixture(configure: { $0.idleTimeout = .seconds(1) })
        let before = try fixture.journal()
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let (answer, seconds) = try await offThePool {
                let connection = try RawConnection(port: port)
                let start = Date()
                connection.send("POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                var answer = ""
                // A byte every quarter second would take 25 s to fill the body.
                while answer.isEmpty, Date().timeIntervalSince(start) < 10 {
                    Thread.sleep(forTimeInterval: 0.25)
                    connection.send(" ")
                    answer = connection.receive(waiting: 0.01)
                }
                answer += connection.receive(waiting: 1)
                return (answer, Date().timeIntervalSince(start))
            }
            #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout"), "\(answer)")
            #expect(answer.lowercased().contains("connection: close"))
            #expect(seconds < 5, "answered after \(seconds) s")
        }
        #expect(try fixture.journal() == before)
    }

    /// A body that stops altogether is answered 408 before the idle timer would close the
    /// connection without a word: a second before it, or half-way with the shortest timeout.
    @Test(arguments: [1, 3]) func aBodyThatStopsIsAnswered408BeforeTheIdleTimer(idleSeconds: Int) async throws {
        let logs = LogRecorder()
        let fixture = try ServerFixture(configure: { $0.idleTimeout = .seconds(idleSeconds) }, logs: logs)
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let answer = try await offThePool {
                let connection = try RawConnection(port: port)
                connection.send("POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"na")
                return connection.receive(waiting: 6)
            }
            #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout"), "\(answer)")
        }
        // The access log says what the client was answered, not the 400 of a malformed body.
        #expect(logs.messages.contains { $0.contains("POST /api/join 408") }, "\(logs.messages)")
        #expect(HTTP1ConformingChannel.bodyDeadline(idleTimeout: .seconds(30)) == .seconds(29))
        #expect(HTTP1ConformingChannel.bodyDeadline(idleTimeout: .seconds(1)) == .milliseconds(500))
    }

    /// Past the budget a new connection is closed at once, unread; one that closes makes room.
    @Test func connectionsPastTheBudgetAreClosedAtOnce() async throws {
        let fixture = try ServerFixture(configure: { $0.maximumConnections = 3 })
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            let (turnedAway, answered) = try await offThePool {
                let held = try (0..<3).map { _ in try RawConnection(port: port) }
                // Each is taken in turn by the server before the next is made.
                Thread.sleep(forTimeInterval: 0.3)
                let extra = try RawConnection(port: port)
                let turnedAway = extra.isClosedByServer(waiting: 2)
                held[0].close()
                // The server makes room once it has seen the close: at once on a quiet machine,
                // later on a busy one (the whole suite in parallel), so a turned-away try is retried.
                var answered = ""
                let deadline = Date().addingTimeInterval(10)
                while answered.isEmpty, Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.3)
                    let next = try RawConnection(port: port)
                    next.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    answered = next.receive(waiting: 2)
                }
                return (turnedAway, answered)
            }
            #expect(turnedAway)
            #expect(answered.hasPrefix("HTTP/1.1 200 OK"), "\(answered)")
        }
    }

    @Test func theBudgetIsHalfTheOpenFileLimit() {
        #expect(ConnectionBudget.forOpenFileLimit(20_000) == 9_936)
        #expect(ConnectionBudget.forOpenFileLimit(1_024) == 448)
        #expect(ConnectionBudget.forOpenFileLimit(64) == 16)
        let budget = ConnectionBudget(maximum: 2)
        #expect(budget.admit() == (true, false) && budget.admit() == (true, false))
        #expect(budget.admit() == (false, true) && budget.admit() == (false, false))
        budget.release()
        #expect(budget.admit() == (true, false) && budget.admit() == (false, true))
    }
}

/// Runs blocking socket calls on a thread of their own, off the cooperative pool the server
/// under test answers on.
private func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A loopback TCP connection written and read by hand.
private final class RawConnection {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = try LoopbackExchange.connectToLoopback(port: port)
    }

    deinit { close() }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Foundation.send(descriptor, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }

    /// What arrives within `seconds` (until the server closes or stops sending).
    func receive(waiting seconds: Double) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        setTimeout(seconds)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the server closes the connection within `seconds` without a byte.
    func isClosedByServer(waiting seconds: Double) -> Bool {
        var byte: UInt8 = 0
        setTimeout(seconds)
        let count = recv(descriptor, &byte, 1, 0)
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private var isOpen = true

    func close() {
        guard isOpen else { return }
        isOpen = false
        Foundation.close(descriptor)
    }

    private func setTimeout(_ seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}
