using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AuthClients.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ActivityAndAuditLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditRecords_TargetType_TargetId",
                table: "AuditRecords");

            migrationBuilder.CreateTable(
                name: "BackgroundLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BackgroundLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "ClientFailureCounts",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientFailureCounts", x => new { x.ClientId, x.Hour, x.Reason });
                });

            migrationBuilder.CreateTable(
                name: "ClientFailures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    GrantType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    IpAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientFailures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ClientTokenCounts",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    GrantType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientTokenCounts", x => new { x.ClientId, x.Hour, x.GrantType });
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditRecords_Action_OccurredAt",
                table: "AuditRecords",
                columns: new[] { "Action", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditRecords_ActorId_OccurredAt",
                table: "AuditRecords",
                columns: new[] { "ActorId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditRecords_TargetType_TargetId_OccurredAt",
                table: "AuditRecords",
                columns: new[] { "TargetType", "TargetId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientFailureCounts_Hour",
                table: "ClientFailureCounts",
                column: "Hour");

            migrationBuilder.CreateIndex(
                name: "IX_ClientFailures_ClientId_OccurredAt",
                table: "ClientFailures",
                columns: new[] { "ClientId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientFailures_OccurredAt",
                table: "ClientFailures",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_ClientTokenCounts_Hour",
                table: "ClientTokenCounts",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BackgroundLeases");

            migrationBuilder.DropTable(
                name: "ClientFailureCounts");

            migrationBuilder.DropTable(
                name: "ClientFailures");

            migrationBuilder.DropTable(
                name: "ClientTokenCounts");

            migrationBuilder.DropIndex(
                name: "IX_AuditRecords_Action_OccurredAt",
                table: "AuditRecords");

            migrationBuilder.DropIndex(
                name: "IX_AuditRecords_ActorId_OccurredAt",
                table: "AuditRecords");

            migrationBuilder.DropIndex(
                name: "IX_AuditRecords_TargetType_TargetId_OccurredAt",
                table: "AuditRecords");

            migrationBuilder.CreateIndex(
                name: "IX_AuditRecords_TargetType_TargetId",
                table: "AuditRecords",
                columns: new[] { "TargetType", "TargetId" });
        }
    }
}
