import Foundation

/// Resolves label names typed by an operator to Gitea label ids, before anything is written.
///
/// Repository labels win over organisation labels; an exact (case-sensitive) match wins over a case-insensitive one.
/// Two candidates at the same level are ambiguous; no candidate is unknown. Either way nothing is written.
public enum LabelResolver {
    public static func resolve(_ names: [String], repository: [GiteaLabel], organisation: [GiteaLabel]) throws(GateRefusal) -> [Int64] {
        var ids: [Int64] = []
        for raw in names {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            let id = try resolveOne(name, repository: repository, organisation: organisation)
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    private static func resolveOne(_ name: String, repository: [GiteaLabel], organisation: [GiteaLabel]) throws(GateRefusal) -> Int64 {
        let levels: [[GiteaLabel]] = [
            repository.filter { $0.name == name }, organisation.filter { $0.name == name },
            repository.filter { $0.name.lowercased() == name.lowercased() },
            organisation.filter { $0.name.lowercased() == name.lowercased() }
        ]
        for candidates in levels where !candidates.isEmpty {
            guard candidates.count == 1 else {
                throw .ambiguousLabel(name, ids: candidates.map(\.id))
            }
            return candidates[0].id
        }
        throw .unknownLabel(name, known: Array(Set((repository + organisation).map(\.name))).sorted())
    }
}
