extension Figures {
    /// The document `advocate stats --format json` prints (DESIGN.md's shape).
    public var json: JSONOutput {
        .object([
            ("asOf", .string(asOf.iso8601)),
            ("currency", .string(currency)),
            ("referrers", .array(referrers.map(\.json))),
            ("program", program.json(perWeek: perWeek)),
        ])
    }
}

extension ReferrerFigures {
    var json: JSONOutput {
        .object([
            ("code", .string(code)),
            ("referrals", .number(Double(referrals))),
            ("converted", .number(Double(converted))),
            ("conversionRate", .number(conversionRate)),
            ("earned", .number(earned)),
            ("pending", .number(pending)),
            ("tier", tier.map { .string($0.name) } ?? .null),
            ("nextTier", nextTier.map { next in
                .object([
                    ("name", .string(next.name)),
                    ("conversions", .number(Double(next.conversions))),
                    ("remaining", .number(Double(next.conversions - converted))),
                ])
            } ?? .null),
        ])
    }
}

extension GroupFigures {
    func json(key: String) -> JSONOutput {
        .object([
            (key, .string(name)),
            ("referrals", .number(Double(referrals))),
            ("converted", .number(Double(converted))),
            ("conversionRate", .number(conversionRate)),
        ])
    }
}

extension ProgramFigures {
    func json(perWeek: [GroupFigures]) -> JSONOutput {
        .object([
            ("referrers", .number(Double(referrers))),
            ("referrals", .number(Double(referrals))),
            ("converted", .number(Double(converted))),
            ("conversionRate", .number(conversionRate)),
            ("earned", .number(earned)),
            ("pending", .number(pending)),
            ("conversionValue", .number(conversionValue)),
            ("notAccepted", .object([
                ("duplicates", .number(Double(duplicates))),
                ("selfReferrals", .number(Double(selfReferrals))),
            ])),
            ("funnel", .object([
                ("referred", .number(Double(funnel.referred))),
                ("contacted", .number(Double(funnel.contacted))),
                ("converted", .number(Double(funnel.converted))),
                ("rewarded", .number(Double(funnel.rewarded))),
            ])),
            ("bySource", .array(bySource.map { $0.json(key: "source") })),
            ("bySegment", .array(bySegment.map { $0.json(key: "segment") })),
            ("byVariant", .array(byVariant.map { $0.json(key: "variant") })),
            ("perWeek", .array(perWeek.map { week in
                .object([
                    ("week", .string(week.name)),
                    ("referrals", .number(Double(week.referrals))),
                    ("conversions", .number(Double(week.converted))),
                ])
            })),
            ("topReferrers", .array(topReferrers.map { .string($0) })),
        ])
    }
}
