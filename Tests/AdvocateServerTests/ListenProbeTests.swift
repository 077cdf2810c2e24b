import Advocate
@testable import AdvocateServer
import Foundation
import Testing

/// `advocate serve` says why it cannot listen before it builds anything.
@Suite struct ListenProbeTests {
    @Test func aPortAnotherProgramListensOnStopsTheStartBeforeTheBuildWithWhatToDo() throws {
        let listener = try LoopbackListener()
        // Outside the fixture's folder, which the fixture deletes when the start fails.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        do {
            _ = try ServerFixture(configure: {
                $0.port = listener.port
                $0.build.outputDirectory = output
            })
            Issue.record("the server must not start on a port in use")
        } catch let error as AdvocateServer.StartError {
            #expect(error.description.contains("127.0.0.1:\(listener.port) is already in use"))
            #expect(error.description.contains("--port"))
        }
        #expect(!FileManager.default.fileExists(atPath: output), "nothing is built before the check")
    }

    @Test func aFreePortAndAnAddressOfThisMachinePass() {
        #expect(ListenProbe.problem(host: "127.0.0.1", port: 0) == nil)
    }

    @Test func anAddressThatIsNotThisMachinesIsNamed() throws {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never a machine's own address.
        let problem = try #require(ListenProbe.problem(host: "192.0.2.1", port: 0))
        #expect(problem.contains("--host 192.0.2.1 is not an address of this machine"))
    }
}

/// A TCP socket listening on 127.0.0.1 on a port the system picks, closed on deinit.
private final class LoopbackListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
