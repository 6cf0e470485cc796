import PostgresNIO

/// Turns driver errors into one sentence without internal details.
public enum PostgresErrorText {
    /// The server's message when there is one, else a short description.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            if let closure = error.closureError { return describe(closure) }
            if let begin = error.beginError { return describe(begin) }
            if let commit = error.commitError { return describe(commit) }
        }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return message
            }
            switch error.code {
            case .connectionError: return "the connection failed"
            case .serverClosedConnection, .clientClosedConnection: return "the connection was closed"
            default: return "\(error.code)"
            }
        }
        if let error = error as? StoreError { return error.message }
        return "\(error)"
    }

    /// The SQLSTATE code when the server sent one.
    public static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PostgresTransactionError, let closure = error.closureError { return sqlState(closure) }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
