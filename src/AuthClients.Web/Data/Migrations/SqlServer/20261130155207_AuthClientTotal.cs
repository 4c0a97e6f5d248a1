using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AuthClientTotal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuthClientTotals",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthClientTotals", x => x.Id);
                });

            // The one row starts at the clients there are; the triggers keep it (Data/Entities/ClientNumber.cs, AuthClientTotal).
            migrationBuilder.Sql("""
                INSERT INTO [AuthClientTotals] ([Id], [Count]) SELECT 1, COUNT_BIG(*) FROM [OpenIddictApplications];
                """);
            // CREATE TRIGGER must open its batch: EXEC gives it one inside the idempotent script's IF.
            migrationBuilder.Sql("""
                EXEC(N'CREATE TRIGGER [AuthClientTotal_Count] ON [OpenIddictApplications] AFTER INSERT, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    UPDATE [AuthClientTotals]
                    SET [Count] = [Count] + (SELECT COUNT_BIG(*) FROM inserted) - (SELECT COUNT_BIG(*) FROM deleted)
                    WHERE [Id] = 1;
                END');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER [AuthClientTotal_Count];");

            migrationBuilder.DropTable(
                name: "AuthClientTotals");
        }
    }
}
