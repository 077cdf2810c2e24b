import Hummingbird
import NIOCore

extension Response {
    /// A short plain-text answer: `text` and a line break, in UTF-8, with any other `headers`.
    static func plainText(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
