using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AuthClientOrderChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Changes",
                table: "AuthClientTotals",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Changes goes up with every insert, delete and rename: what moves a client in the list's
            // name and number orders (Data/Entities/ClientNumber.cs, AuthClientTotal.Changes).
            // ALTER TRIGGER must open its batch: EXEC gives it one inside the idempotent script's IF.
            migrationBuilder.Sql("""
                EXEC(N'ALTER TRIGGER [AuthClientTotal_Count] ON [OpenIddictApplications] AFTER INSERT, UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    -- Only an insert, a delete or a rename moves a client in the orders of the list; the
                    -- last-used flushes update other columns, and an update of no row changes nothing.
                    IF NOT EXISTS (SELECT 1 FROM inserted i FULL JOIN deleted d ON d.[Id] = i.[Id]
                                   WHERE i.[Id] IS NULL OR d.[Id] IS NULL OR i.[NormalizedName] <> d.[NormalizedName])
                        RETURN;
                    UPDATE [AuthClientTotals]
                    SET [Count] = [Count] + (SELECT COUNT_BIG(*) FROM inserted) - (SELECT COUNT_BIG(*) FROM deleted), [Changes] = [Changes] + 1
                    WHERE [Id] = 1;
                END');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                EXEC(N'ALTER TRIGGER [AuthClientTotal_Count] ON [OpenIddictApplications] AFTER INSERT, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    UPDATE [AuthClientTotals]
                    SET [Count] = [Count] + (SELECT COUNT_BIG(*) FROM inserted) - (SELECT COUNT_BIG(*) FROM deleted)
                    WHERE [Id] = 1;
                END');
                """);

            migrationBuilder.DropColumn(
                name: "Changes",
                table: "AuthClientTotals");
        }
    }
}
