import Mustache

/// What is wrong with a Mustache text swift-mustache could not parse, and where, for the theme's
/// templates and the messaging templates alike.
///
/// swift-mustache says where it gave up, which for a tag left open is the end of the text; the
/// tags (``MustacheTags``) say which tag is at fault and where it starts.
enum MustacheSyntaxError {
    /// The problem's place in the file that has `text` at `placement`, and what to do about it. `error` is swift-mustache's, from parsing `text` after `linesBefore` added lines
    /// and `columnsBefore` added characters on its first line (a message's content-type pragma).
    static func diagnose(_ error: MustacheTemplate.ParserError, in text: String, placement: TextPlacement = .lines(from: 1),
                         linesBefore: Int = 0, columnsBefore: Int = 0) -> (location: SourceLocation, message: String) {
        let tags = MustacheTags.scan(text).map { tag in
            var tag = tag
            let place = placement.location(of: tag.location)
            (tag.line, tag.column) = (place.line, place.column)
            return tag
        }
        if let tag = tags.first(where: \.isUnfinished) {
            let what = tag.kind == .comment ? "the comment" : "the tag"
            return (tag.location, "\(what) '\(snippet(of: text, at: tag))' is not closed with '\(tag.closer)'")
        }
        switch MustacheTags.nesting(of: tags) {
        case .unclosed(let tag, let sigil)?:
            return (tag.location, "{{\(sigil)\(tag.name)}} is opened here but never closed (add {{/\(tag.name)}})")
        case .mismatched(let closing, let open, let sigil, true)?:
            return (closing.location, "{{/\(closing.name)}} closes {{\(sigil)\(open.name)}}, opened at line \(open.line) column \(open.column); close that first with {{/\(open.name)}}")
        case .mismatched(let closing, let open, let sigil, false)?:
            // A stray close inside `{{$main}}` is to be removed; "close {{/main}} first" only moved the error.
            return (closing.location, "{{/\(closing.name)}} closes nothing open: remove it, or if it is to close {{\(sigil)\(open.name)}} "
                    + "(opened at line \(open.line) column \(open.column)), write {{/\(open.name)}}")
        case .unopened(let closing)?:
            return (closing.location, "{{/\(closing.name)}} closes nothing: no {{#\(closing.name)}} is open here (remove it, or open the section before)")
        case nil:
            let lineInText = max(1, error.context.lineNumber - linesBefore)
            let column = lineInText == 1 ? max(1, error.context.columnNumber - columnsBefore) : error.context.columnNumber
            return (placement.location(line: lineInText, column: column), describe(error.error))
        }
    }

    /// swift-mustache's parse error in words (its cases are names such as `unfinishedName`).
    private static func describe(_ error: any Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: "a section is closed with a different name than it was opened with"
        case MustacheTemplate.Error.unfinishedName: "a tag is not closed with '}}'"
        case MustacheTemplate.Error.expectedSectionEnd: "a section is opened but never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: "invalid set-delimiter tag"
        case MustacheTemplate.Error.textInsideInheritSection, MustacheTemplate.Error.illegalTokenInsideInheritSection:
            "only {{$block}} overrides may appear inside a {{<parent}} tag"
        case MustacheTemplate.Error.invalidConfigVariableSyntax:
            "a '%' tag is read as a setting, written {{%NAME:value}} (after a set-delimiter tag, check that its delimiters do not make a '%' tag of the text)"
        case MustacheTemplate.Error.unrecognisedConfigVariable: "a '%' tag names a setting swift-mustache does not have (only CONTENT_TYPE)"
        case MustacheTemplate.Error.transformAppliedToInheritanceSection: "a transform such as uppercased(…) cannot apply to a {{<parent}} or a {{$block}}"
        // The parser read past the end of the text: a tag opened with other delimiters
        // ({{=<% %>=}}) was not closed. The error's type is internal to swift-mustache.
        case _ where "\(error)" == "overflow": "a tag is not closed before the end of the text"
        default: "\(error)"
        }
    }

    /// The tag as written, up to the end of its line and at most 30 characters.
    private static func snippet(of text: String, at tag: MustacheTags.Tag) -> String {
        let rest = text.utf8.dropFirst(tag.offset).prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return String(String(decoding: rest, as: UTF8.self).prefix(30))
    }
}
