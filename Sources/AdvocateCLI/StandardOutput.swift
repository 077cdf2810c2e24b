import Advocate
import ArgumentParser
import Foundation

/// Writing a command's result (an export, figures as JSON) to standard output, whole or not at
/// all: `print` is buffered and drops a write error, and an export to a full disk had ended in a
/// cut-off file and exit 0.
enum StandardOutput {
    static func write(_ text: String) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            StandardError.write("error: the output could not be written whole (\(fileSystemReason(error))); nothing after that point reached it")
            throw ExitCode.failure
        }
    }
}
