import Foundation

/// A file system error's reason in a few words ("Permission denied", "No space left on device"),
/// not Foundation's description of the error object.
public func fileSystemReason(_ error: any Error) -> String {
    let failure = error as NSError
    let posix = failure.domain == NSPOSIXErrorDomain ? failure : (failure.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
    return posix.map { String(cString: strerror(Int32($0.code))) } ?? "\(error)"
}
