using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthClients.Web.Data.Migrations.PostgreSql
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
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastUsedAt",
                table: "OpenIddictApplications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastUsedFrom",
                table: "OpenIddictApplications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuthClientCredentials",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    ApplicationId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SecretVerifier = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ProtectedSecret = table.Column<string>(type: "text", nullable: true),
                    PublicKey = table.Column<string>(type: "text", nullable: true),
                    KeyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    CreatedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LastUsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastUsedFrom = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
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
            // author are those of its last regeneration, if any.
            migrationBuilder.Sql("""
                INSERT INTO "AuthClientCredentials" ("Id", "ApplicationId", "Kind", "Label", "SecretVerifier", "ProtectedSecret", "CreatedAt", "CreatedById", "CreatedByName")
                SELECT a."Id", a."Id", 'Secret', 'Secret', a."ClientSecret", a."ProtectedSecret",
                    COALESCE((SELECT r."OccurredAt" FROM "AuditRecords" r WHERE r."TargetType" = 'auth-client' AND r."TargetId" = a."ClientId" AND r."Action" = 'auth-client.secret-regenerated' ORDER BY r."OccurredAt" DESC LIMIT 1), a."CreatedAt"),
                    CASE WHEN (SELECT r."OccurredAt" FROM "AuditRecords" r WHERE r."TargetType" = 'auth-client' AND r."TargetId" = a."ClientId" AND r."Action" = 'auth-client.secret-regenerated' ORDER BY r."OccurredAt" DESC LIMIT 1) IS NULL THEN a."CreatedById" ELSE (SELECT r."ActorId" FROM "AuditRecords" r WHERE r."TargetType" = 'auth-client' AND r."TargetId" = a."ClientId" AND r."Action" = 'auth-client.secret-regenerated' ORDER BY r."OccurredAt" DESC LIMIT 1) END,
                    COALESCE((SELECT r."ActorName" FROM "AuditRecords" r WHERE r."TargetType" = 'auth-client' AND r."TargetId" = a."ClientId" AND r."Action" = 'auth-client.secret-regenerated' ORDER BY r."OccurredAt" DESC LIMIT 1), u."Email", '')
                FROM "OpenIddictApplications" a LEFT JOIN "AspNetUsers" u ON u."Id" = a."CreatedById"
                WHERE a."ProtectedSecret" IS NOT NULL AND a."ClientSecret" IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "ProtectedSecret",
                table: "OpenIddictApplications");

            migrationBuilder.CreateTable(
                name: "UsedClientAssertions",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TokenId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                type: "text",
                nullable: true);

            // Back to one secret per client: the newest that has not been revoked (its copy and its verifier,
            // which authenticates again; clients made since hold a placeholder verifier otherwise).
            migrationBuilder.Sql("""
                UPDATE "OpenIddictApplications" SET "ProtectedSecret" = (
                    SELECT c."ProtectedSecret" FROM "AuthClientCredentials" c
                    WHERE c."ApplicationId" = "OpenIddictApplications"."Id" AND c."Kind" = 'Secret' AND c."RevokedAt" IS NULL
                    ORDER BY c."CreatedAt" DESC LIMIT 1);
                UPDATE "OpenIddictApplications" SET "ClientSecret" = COALESCE((
                    SELECT c."SecretVerifier" FROM "AuthClientCredentials" c
                    WHERE c."ApplicationId" = "OpenIddictApplications"."Id" AND c."Kind" = 'Secret' AND c."RevokedAt" IS NULL
                    ORDER BY c."CreatedAt" DESC LIMIT 1), "ClientSecret")
                WHERE "ClientType" = 'confidential';
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
