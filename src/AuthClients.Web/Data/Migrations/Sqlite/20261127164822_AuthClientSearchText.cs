using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuthClientSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "OpenIddictApplications",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Existing clients: name and redirect URIs, one per line, as AuthClientSearch.TextFor
            // writes them (SQLite's UPPER folds ASCII only; the next save of a client rewrites it).
            migrationBuilder.Sql("""
                UPDATE "OpenIddictApplications" SET "SearchText" = "NormalizedName" || COALESCE(
                    (SELECT group_concat(char(10) || upper(value), '') FROM json_each("RedirectUris")), '');
                """);

            // What the list's search asks first (Features/AuthClients/AuthClientSearch.cs), keyed by the
            // client's number: a narrow copy of the text, scanned for terms of one or two characters, and
            // a trigram index over it (contentless: it keeps no second copy) for longer terms. Triggers
            // keep both in step with every write to the clients, whoever makes it.
            migrationBuilder.Sql("""
                CREATE TABLE "AuthClientSearchTexts" ("Number" INTEGER NOT NULL PRIMARY KEY, "Text" TEXT NOT NULL);
                """);
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "AuthClientSearch" USING fts5("Text", content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1');
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AuthClientSearchTexts" ("Number", "Text") SELECT "Number", "SearchText" FROM "OpenIddictApplications";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AuthClientSearch" (rowid, "Text") SELECT "Number", "Text" FROM "AuthClientSearchTexts";
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuthClientSearch_AfterInsert" AFTER INSERT ON "OpenIddictApplications" BEGIN
                    INSERT INTO "AuthClientSearchTexts" ("Number", "Text") VALUES (NEW."Number", NEW."SearchText");
                    INSERT INTO "AuthClientSearch" (rowid, "Text") VALUES (NEW."Number", NEW."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuthClientSearch_AfterUpdate" AFTER UPDATE OF "Number", "SearchText" ON "OpenIddictApplications" BEGIN
                    DELETE FROM "AuthClientSearchTexts" WHERE "Number" = OLD."Number";
                    DELETE FROM "AuthClientSearch" WHERE rowid = OLD."Number";
                    INSERT INTO "AuthClientSearchTexts" ("Number", "Text") VALUES (NEW."Number", NEW."SearchText");
                    INSERT INTO "AuthClientSearch" (rowid, "Text") VALUES (NEW."Number", NEW."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuthClientSearch_AfterDelete" AFTER DELETE ON "OpenIddictApplications" BEGIN
                    DELETE FROM "AuthClientSearchTexts" WHERE "Number" = OLD."Number";
                    DELETE FROM "AuthClientSearch" WHERE rowid = OLD."Number";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuthClientSearch_AfterInsert";""");
            migrationBuilder.Sql("""DROP TRIGGER "AuthClientSearch_AfterUpdate";""");
            migrationBuilder.Sql("""DROP TRIGGER "AuthClientSearch_AfterDelete";""");
            migrationBuilder.Sql("""DROP TABLE "AuthClientSearch";""");
            migrationBuilder.Sql("""DROP TABLE "AuthClientSearchTexts";""");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "OpenIddictApplications");
        }
    }
}
