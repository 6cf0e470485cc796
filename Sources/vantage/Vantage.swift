import ArgumentParser

/// The one executable: parses arguments and calls a library.
@main
struct Vantage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vantage",
        abstract: "Collect and evaluate an ObjectNet-style, bias-controlled test set.",
        discussion: """
            With VANTAGE_DATABASE_URL unset, commands use a project-local PostgreSQL cluster in \
            .vantage/postgres/, created and started on first use.
            """,
        version: "0.1.0",
        subcommands: [DatabaseCommand.self, CatalogCommand.self, WorkersCommand.self, TasksCommand.self, ServeCommand.self, StoreCommand.self, ValidateCommand.self, ModelsCommand.self, ClassifyCommand.self, BenchCommand.self, DemoCommand.self, ReviewCommand.self, ExportCommand.self, EvaluateCommand.self, ReportCommand.self]
    )
}
