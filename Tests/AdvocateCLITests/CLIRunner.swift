import Foundation

/// Runs the built `advocate` executable as a user would, capturing its output.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package's root folder (where Package.swift is).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `advocate` binary beside the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        let testBinary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = testBinary.deletingLastPathComponent()
        while !directory.path.isEmpty, directory.path != "/" {
            let candidate = directory.appendingPathComponent("advocate")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/advocate")
    }

    /// Runs the executable with `arguments`; with `unprivileged`, as a user that file
    /// permissions apply to: as is when the tests do not run as root, as `nobody` (setpriv, and a
    /// copy of the executable in `unprivileged` that anyone may run) when they do.
    static func run(_ arguments: [String], in directory: URL = packageRoot, unprivileged: URL? = nil, input: Data? = nil) throws -> Result {
        guard let folder = unprivileged, getuid() == 0 else { return try run(executable, arguments, in: directory, input: input) }
        let copy = folder.appendingPathComponent("advocate")
        if !FileManager.default.fileExists(atPath: copy.path) { try copyExecutable(to: copy) }
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", copy.path] + arguments
        // A process another test starts while the copy is written holds its descriptor for an
        // instant (between fork and exec), and running the copy then fails with ETXTBSY.
        for _ in 0..<20 {
            let result = try run(URL(fileURLWithPath: "/usr/bin/setpriv"), asNobody, in: directory)
            guard result.status == 126, result.stderr.contains("Text file busy") else { return result }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try run(URL(fileURLWithPath: "/usr/bin/setpriv"), asNobody, in: directory)
    }

    /// Copies the executable (mode 755) through a descriptor closed on exec: one left
    /// open in a process another test started (FileManager's copy does not close it on exec)
    /// made every run of the copy fail with ETXTBSY for that process's lifetime.
    private static func copyExecutable(to copy: URL) throws {
        let bytes = try Data(contentsOf: executable)
        let descriptor = open(copy.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(.EACCES) }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(.EIO) }
        fchmod(descriptor, 0o755)
    }

    /// With `input`, written to the program's standard input and then closed.
    private static func run(_ program: URL, _ arguments: [String], in directory: URL, input: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            try stdin.fileHandleForWriting.write(contentsOf: input)
            try stdin.fileHandleForWriting.close()
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    /// Starts the executable in the background with its output going to `log`; with
    /// `openFileSoftLimit`, through a shell that lowers that limit and then execs it (same pid).
    static func start(_ arguments: [String], log: URL, openFileSoftLimit: Int? = nil) throws -> Process {
        try Data().write(to: log)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        if let openFileSoftLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -S -n \(openFileSoftLimit) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try output.close()  // the child has its own copy
        return process
    }

    /// Waits up to `seconds` for `text` to appear in `process`'s log; false when it did not, or
    /// when the process ended first.
    static func waitFor(_ text: String, in log: URL, from process: Process, seconds: Double = 60) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try String(contentsOf: log, encoding: .utf8).contains(text) { return true }
            if !process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("advocate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh temporary folder holding a copy of the bundled example's content/ and templates/.
    static func copyOfExample() throws -> URL {
        let folder = try temporaryFolder()
        for name in ["content", "templates"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    /// Every file below a folder with its bytes.
    static func snapshot(_ root: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return files }
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let full = root.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: full)
            }
        }
        return files
    }
}
