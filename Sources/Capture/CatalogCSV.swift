/// Parses the catalog files: ImageNet-1k classes, the ObjectNet classes, and custom catalogs.
/// Every error names the file's line; nothing is returned unless the whole file is valid.
public enum CatalogCSV {
    /// The longest class name accepted (the database allows the same).
    public static let maximumNameLength = 200

    /// `index,wnid,name` (Fixtures/catalog/imagenet-1k.csv): exactly the indices 0..<count, once each.
    public static func imageNetClasses(_ text: String, file: String = "imagenet-1k.csv") throws -> [ImageNetClass] {
        let records = try CSVReader.records(text, file: file)
        let columns = try header(records, file: file, required: ["index", "wnid", "name"], optional: [])
        var classes: [ImageNetClass] = []
        for record in records.dropFirst() {
            let fields = try row(record, columns: columns, file: file)
            guard let index = Int(fields["index"]!), index == classes.count, index < 1000 else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): index \"\(fields["index"]!)\" should be \(classes.count) (indices run 0...999 in order).")
            }
            let wnid = fields["wnid"]!
            guard wnid.count == 9, wnid.first == "n", wnid.dropFirst().allSatisfy(\.isASCIIDigit) else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): \"\(wnid)\" is not a WordNet id like n01440764.")
            }
            let name = try checkedName(fields["name"]!, line: record.line, file: file)
            classes.append(ImageNetClass(index: index, wnid: wnid, name: name))
        }
        return classes
    }

    /// `objectnet_id,folder,name,symmetry,imagenet_indices` (Fixtures/catalog/objectnet-classes.csv).
    public static func objectNetClasses(_ text: String, file: String = "objectnet-classes.csv") throws -> [CatalogClass] {
        let records = try CSVReader.records(text, file: file)
        let columns = try header(records, file: file, required: ["objectnet_id", "folder", "name", "symmetry", "imagenet_indices"], optional: [])
        var classes: [CatalogClass] = []
        var seen = Set<String>(), seenIDs = Set<Int>(), seenFolders = Set<String>()
        for record in records.dropFirst() {
            let fields = try row(record, columns: columns, file: file)
            guard let id = Int(fields["objectnet_id"]!), (0...312).contains(id), seenIDs.insert(id).inserted else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): \"\(fields["objectnet_id"]!)\" is not a new ObjectNet id in 0...312.")
            }
            let folder = fields["folder"]!
            guard (1...100).contains(folder.count), folder.allSatisfy({ $0.isASCIILowercaseLetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" }),
                  seenFolders.insert(folder).inserted
            else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): folder \"\(folder)\" is not a new name of lowercase letters, digits, underscores and dashes.")
            }
            let name = try checkedName(fields["name"]!, line: record.line, file: file)
            guard seen.insert(name).inserted else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): class \"\(name)\" appears twice.")
            }
            classes.append(CatalogClass(
                name: name, folder: folder, objectnetID: id,
                symmetry: try symmetry(fields["symmetry"]!, line: record.line, file: file),
                imagenetIndices: try indices(fields["imagenet_indices"]!, line: record.line, file: file)))
        }
        return classes
    }

    /// A custom catalog: header `name,imagenet_ids,symmetry` (only `name` required, any column order);
    /// `imagenet_ids` are ImageNet-1k indices (0...999) separated by `;`; symmetry none | axial | spherical (default none).
    public static func customClasses(_ text: String, file: String) throws -> [CatalogClass] {
        let records = try CSVReader.records(text, file: file)
        let columns = try header(records, file: file, required: ["name"], optional: ["imagenet_ids", "symmetry"])
        var classes: [CatalogClass] = []
        var seen = Set<String>()
        for record in records.dropFirst() {
            let fields = try row(record, columns: columns, file: file)
            let name = try checkedName(fields["name"]!, line: record.line, file: file)
            guard seen.insert(name).inserted else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): class \"\(name)\" appears twice.")
            }
            classes.append(CatalogClass(
                name: name,
                symmetry: try symmetry(fields["symmetry"] ?? "", line: record.line, file: file),
                imagenetIndices: try indices(fields["imagenet_ids"] ?? "", line: record.line, file: file)))
        }
        guard !classes.isEmpty else {
            throw CatalogError("\(file) has no classes below its header.")
        }
        return classes
    }

    /// Class names, one per line (a `name` header line is allowed), for `tasks generate --classes FILE`.
    public static func classNames(_ text: String, file: String) throws -> [String] {
        var names: [String] = []
        for record in try CSVReader.records(text, file: file) {
            guard record.fields.count == 1 else {
                throw CatalogError(line: record.line, "\(file) line \(record.line): expected one class name per line.")
            }
            if record.line == 1, record.fields[0] == "name" { continue }
            names.append(try checkedName(record.fields[0], line: record.line, file: file))
        }
        guard !names.isEmpty else { throw CatalogError("\(file) names no classes.") }
        return names
    }

    // MARK: - Pieces

    private static func header(_ records: [CSVReader.Record], file: String, required: [String], optional: [String]) throws -> [String] {
        guard let first = records.first else {
            throw CatalogError(line: 1, "\(file) is empty; its first line should be the header \(required.joined(separator: ",")).")
        }
        let columns = first.fields.map { $0.lowercased() }
        for name in required where !columns.contains(name) {
            throw CatalogError(line: first.line, "\(file) line \(first.line): the header lacks the column \"\(name)\" (expected \((required + optional).joined(separator: ","))).")
        }
        for column in columns where !required.contains(column) && !optional.contains(column) {
            throw CatalogError(line: first.line, "\(file) line \(first.line): unknown column \"\(column)\" (expected \((required + optional).joined(separator: ","))).")
        }
        guard Set(columns).count == columns.count else {
            throw CatalogError(line: first.line, "\(file) line \(first.line): the header repeats a column.")
        }
        return columns
    }

    private static func row(_ record: CSVReader.Record, columns: [String], file: String) throws -> [String: String] {
        guard record.fields.count == columns.count else {
            throw CatalogError(line: record.line, "\(file) line \(record.line): expected \(columns.count) fields, found \(record.fields.count).")
        }
        return Dictionary(uniqueKeysWithValues: zip(columns, record.fields))
    }

    private static func checkedName(_ name: String, line: Int, file: String) throws -> String {
        guard !name.isEmpty else { throw CatalogError(line: line, "\(file) line \(line): the name is empty.") }
        guard name.count <= maximumNameLength else {
            throw CatalogError(line: line, "\(file) line \(line): the name is longer than \(maximumNameLength) characters.")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CatalogError(line: line, "\(file) line \(line): the name contains a control character.")
        }
        return name
    }

    private static func symmetry(_ text: String, line: Int, file: String) throws -> Symmetry {
        if text.isEmpty { return .none }
        guard let value = Symmetry(rawValue: text.lowercased()) else {
            throw CatalogError(line: line, "\(file) line \(line): symmetry \"\(text)\" is not none, axial or spherical.")
        }
        return value
    }

    private static func indices(_ text: String, line: Int, file: String) throws -> [Int] {
        if text.isEmpty { return [] }
        var result: [Int] = []
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            let trimmed = String(part).trimmingSpaces()
            guard let index = Int(trimmed), (0...999).contains(index) else {
                throw CatalogError(line: line, "\(file) line \(line): \"\(trimmed)\" is not an ImageNet-1k index in 0...999.")
            }
            guard !result.contains(index) else {
                throw CatalogError(line: line, "\(file) line \(line): ImageNet index \(index) is listed twice.")
            }
            result.append(index)
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILowercaseLetter: Bool { isASCII && isLowercase }
}
