using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ClientCredentials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsEnabled",
                table: "OpenIddictApplications",
                type: "bit",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastUsedAt",
                table: "OpenIddictApplications",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastUsedFrom",
                table: "OpenIddictApplications",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuthClientCredentials",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    ApplicationId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Label = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    SecretVerifier = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ProtectedSecret = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    PublicKey = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    KeyId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedById = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    CreatedByName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    RevokedByName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    LastUsedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastUsedFrom = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthClientCredentials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AuthClientCredentials_OpenIddictApplications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Each client's one secret becomes its first credential; the copy moves with it. Its date and
            // author are those of its last regeneration, if any. In EXEC: the idempotent script compiles each
            // batch whole, and once the column is gone a plain INSERT naming it would not compile.
            migrationBuilder.Sql("""
                EXEC(N'INSERT INTO [AuthClientCredentials] ([Id], [ApplicationId], [Kind], [Label], [SecretVerifier], [ProtectedSecret], [CreatedAt], [CreatedById], [CreatedByName])
                SELECT a.[Id], a.[Id], ''Secret'', ''Secret'', a.[ClientSecret], a.[ProtectedSecret],
                    COALESCE((SELECT TOP 1 r.[OccurredAt] FROM [AuditRecords] r WHERE r.[TargetType] = ''auth-client'' AND r.[TargetId] = a.[ClientId] AND r.[Action] = ''auth-client.secret-regenerated'' ORDER BY r.[OccurredAt] DESC), a.[CreatedAt]),
                    CASE WHEN (SELECT TOP 1 r.[OccurredAt] FROM [AuditRecords] r WHERE r.[TargetType] = ''auth-client'' AND r.[TargetId] = a.[ClientId] AND r.[Action] = ''auth-client.secret-regenerated'' ORDER BY r.[OccurredAt] DESC) IS NULL THEN a.[CreatedById] ELSE (SELECT TOP 1 r.[ActorId] FROM [AuditRecords] r WHERE r.[TargetType] = ''auth-client'' AND r.[TargetId] = a.[ClientId] AND r.[Action] = ''auth-client.secret-regenerated'' ORDER BY r.[OccurredAt] DESC) END,
                    COALESCE((SELECT TOP 1 r.[ActorName] FROM [AuditRecords] r WHERE r.[TargetType] = ''auth-client'' AND r.[TargetId] = a.[ClientId] AND r.[Action] = ''auth-client.secret-regenerated'' ORDER BY r.[OccurredAt] DESC), u.[Email], '''')
                FROM [OpenIddictApplications] a LEFT JOIN [AspNetUsers] u ON u.[Id] = a.[CreatedById]
                WHERE a.[ProtectedSecret] IS NOT NULL AND a.[ClientSecret] IS NOT NULL;');
                """);

            migrationBuilder.DropColumn(
                name: "ProtectedSecret",
                table: "OpenIddictApplications");

            migrationBuilder.CreateTable(
                name: "UsedClientAssertions",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    TokenId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsedClientAssertions", x => new { x.ClientId, x.TokenId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictApplications_LastUsedAt",
                table: "OpenIddictApplications",
                column: "LastUsedAt");

            migrationBuilder.CreateIndex(
                name: "IX_AuthClientCredentials_ApplicationId",
                table: "AuthClientCredentials",
                column: "ApplicationId");

            migrationBuilder.CreateIndex(
                name: "IX_AuthClientCredentials_ExpiresAt",
                table: "AuthClientCredentials",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_UsedClientAssertions_ExpiresAt",
                table: "UsedClientAssertions",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedSecret",
                table: "OpenIddictApplications",
                type: "nvarchar(max)",
                nullable: true);

            // Back to one secret per client: the newest that has not been revoked (its copy and its verifier,
            // which authenticates again; clients made since hold a placeholder verifier otherwise).
            migrationBuilder.Sql("""
                UPDATE [OpenIddictApplications] SET [ProtectedSecret] = (
                    SELECT TOP 1 c.[ProtectedSecret] FROM [AuthClientCredentials] c
                    WHERE c.[ApplicationId] = [OpenIddictApplications].[Id] AND c.[Kind] = 'Secret' AND c.[RevokedAt] IS NULL
                    ORDER BY c.[CreatedAt] DESC);
                UPDATE [OpenIddictApplications] SET [ClientSecret] = COALESCE((
                    SELECT TOP 1 c.[SecretVerifier] FROM [AuthClientCredentials] c
                    WHERE c.[ApplicationId] = [OpenIddictApplications].[Id] AND c.[Kind] = 'Secret' AND c.[RevokedAt] IS NULL
                    ORDER BY c.[CreatedAt] DESC), [ClientSecret])
                WHERE [ClientType] = 'confidential';
                """);

            migrationBuilder.DropTable(
                name: "AuthClientCredentials");

            migrationBuilder.DropTable(
                name: "UsedClientAssertions");

            migrationBuilder.DropIndex(
                name: "IX_OpenIddictApplications_LastUsedAt",
                table: "OpenIddictApplications");

            migrationBuilder.DropColumn(
                name: "IsEnabled",
                table: "OpenIddictApplications");

            migrationBuilder.DropColumn(
                name: "LastUsedAt",
                table: "OpenIddictApplications");

            migrationBuilder.DropColumn(
                name: "LastUsedFrom",
                table: "OpenIddictApplications");

        }
    }
}
