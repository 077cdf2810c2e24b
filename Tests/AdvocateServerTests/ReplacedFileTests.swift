@testable import AdvocateServer
import Foundation
import HummingbirdTesting
import Testing

/// The server replaces stats and analytics pages (by rename) after every referral, while
/// browsers read them.
@Suite struct ReplacedFileTests {
    /// A page replaced again and again while it is served goes out whole, in one version or the
    /// other, with that version's length. Served by path, a request took its length from one
    /// version and its bytes from the next: pages cut short, or longer than announced.
    @Test(.timeLimit(.minutes(2)))
    func aPageReplacedWhileItIsServedGoesOutWhole() async throws {
        let fixture = try ServerFixture()
        let page = try fixture.analyticsPath()
        let folder = fixture.file(page)
        let versions = ["<p>" + String(repeating: "a", count: 20_000) + "</p>\n", "<p>" + String(repeating: "b", count: 23_000) + "</p>\n"]
        try versions[0].write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let replacing = Replacer(folder: folder.path, versions: versions)
        replacing.start()
        defer { replacing.stop() }
        try await fixture.prepared.application.test(.live) { client in
            let port = try #require(client.port)
            var torn: [String] = []
            for _ in 0..<600 {
                let exchange = try await LoopbackExchange.run(port: port, request: "GET \(page) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                let parts = exchange.response.components(separatedBy: "\r\n\r\n")
                let length = parts[0].split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
                let body = parts.dropFirst().joined(separator: "\r\n\r\n")
                if !versions.contains(body) || length != body.utf8.count {
                    torn.append("Content-Length \(length.map(String.init) ?? "none"), \(body.utf8.count) bytes")
                }
            }
            #expect(torn.count == 0, "torn: \(torn.prefix(3))")
        }
    }
}

/// Replaces `folder/index.html` by rename, alternating two versions, on a thread of its own
/// until stopped.
private final class Replacer: @unchecked Sendable {
    private let folder: String
    private let versions: [String]
    private let lock = NSLock()
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    init(folder: String, versions: [String]) {
        self.folder = folder
        self.versions = versions
    }

    func start() {
        Thread { [self] in
            var turn = 0
            while !lock.withLock({ stopped }) {
                turn += 1
                let staged = folder + "/.staged.html"
                try? versions[turn % 2].write(toFile: staged, atomically: false, encoding: .utf8)
                rename(staged, folder + "/index.html")
            }
            finished.signal()
        }.start()
    }

    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
    }
}
