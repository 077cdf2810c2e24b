import Advocate
@testable import AdvocateServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// A copy of the bundled example in a temporary folder, with a server prepared over it.
final class ServerFixture: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let root: URL
    /// The folder of this test process's fixtures, removed when the process exits: a refresh
    /// still pending when a fixture is released writes public/ again after its removal, and the
    /// second removal its deinit starts may not run before the process ends (a few folders a run
    /// had been left in /tmp).
    static let parent: URL = {
        atexit { try? FileManager.default.removeItem(at: ServerFixture.parentFolder) }
        return parentFolder
    }()
    private static let parentFolder = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-server-tests-\(getpid())")
    private(set) var prepared: AdvocateServer.Prepared
    private let configuration: ServerConfiguration
    private let logger: Logger

    /// - Parameter edit: changes the copy (its root folder) before the server is prepared.
    /// - Parameter configure: changes the server's configuration (webhook secrets, retry pauses).
    /// - Parameter logs: keeps what the server logs at `info` and above (else warnings are shown).
    init(ipLimit: Int = 0, codeLimit: Int = 0, journalTail: String? = nil, watch: Bool = false,
         refreshDelay: Duration = .milliseconds(20), edit: (URL) throws -> Void = { _ in },
         configure: (inout ServerConfiguration) -> Void = { _ in }, logs: LogRecorder? = nil) throws {
        root = Self.parent.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for name in ["content", "templates"] {
            try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent(name), to: root.appendingPathComponent(name))
        }
        if let journalTail {
            let handle = try FileHandle(forWritingTo: root.appendingPathComponent("content/data/referrals.jsonl"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(journalTail.utf8))
            try handle.close()
        }
        var logger = logs?.logger() ?? Logger(label: "advocate-test")
        if logs == nil { logger.logLevel = .warning }
        // Port 0: `prepare` checks that its port is free, and a developer's own server may hold 8080.
        var configuration = ServerConfiguration(port: 0, ipLimitPerMinute: ipLimit, codeLimitPerHour: codeLimit, refreshDelay: refreshDelay, watch: watch,
                                                build: BuildOptions(source: root.path))
        configure(&configuration)
        self.configuration = configuration
        self.logger = logger
        do {
            try edit(root)
            prepared = try AdvocateServer.prepare(configuration, logger: logger)
        } catch {
            try? FileManager.default.removeItem(at: root)
            throw error
        }
    }

    /// Stops holding the store (as a process that exits would) and prepares a new server over it.
    func restart() throws {
        prepared.journal.close()
        prepared = try Self.whenTheLockIsFree { try AdvocateServer.prepare(configuration, logger: logger) }
    }

    /// Retries `body` for up to two seconds while the store's lock is taken. Other tests of this
    /// process spawn programs all the time, and a child holds a copy of the lock's descriptor
    /// until it calls exec (O_CLOEXEC closes it only then), so a lock just released in this
    /// process can still be held for a moment. A separate server process never sees this.
    static func whenTheLockIsFree<T>(_ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(2)
        while true {
            do {
                return try body()
            } catch let error where "\(error)".contains("another advocate process is writing to this store") && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
        // A refresh still pending (its short delay not yet over) would make public/ again after
        // the removal: remove the folder once more when it has run.
        Task.detached { [refresher = prepared.refresher, mailer = prepared.mailer, root] in
            await refresher.flush()
            await mailer.flush()
            try? FileManager.default.removeItem(at: root)
        }
    }

    var journalURL: URL { root.appendingPathComponent("content/data/referrals.jsonl") }
    var publicURL: URL { root.appendingPathComponent("public") }

    /// The texts of the outbox's pending emails, once every email queued so far is written.
    func outboxMessages() async throws -> [String] {
        await prepared.mailer.written()
        return try Outbox(directory: root.appendingPathComponent(".advocate/outbox").path).pending()
            .map { try String(contentsOfFile: $0, encoding: .utf8) }
    }

    func journal() throws -> String {
        try String(contentsOf: journalURL, encoding: .utf8)
    }

    func statsPath(of code: String) throws -> String {
        let store = try StoreLoader.load(from: root.appendingPathComponent("content/data").path).store
        let token = try #require(store.referrers.first { $0.code == code }).statsToken
        return "/stats/\(token)/"
    }

    func analyticsPath() throws -> String {
        let store = try StoreLoader.load(from: root.appendingPathComponent("content/data").path).store
        return "/stats/\(store.program.analyticsToken)/"
    }

    func file(_ path: String) -> URL {
        publicURL.appendingPathComponent(path)
    }

    /// Runs the pending refresh now instead of after its delay.
    func flushRefresh() async {
        await prepared.refresher.flush()
    }
}

import Testing

extension TestClientProtocol {
    func postForm(_ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        all.append(contentsOf: headers)
        return try await execute(uri: "/api/referrals", method: .post, headers: all, body: ByteBuffer(string: body))
    }

    func postJSON(_ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all: HTTPFields = [.contentType: "application/json"]
        all.append(contentsOf: headers)
        return try await execute(uri: "/api/referrals", method: .post, headers: all, body: ByteBuffer(string: body))
    }
}
