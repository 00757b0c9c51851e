import { creationStatements, revocationStatements, teamSchema } from "../../components/secrets/databaseStatements";
import { databaseSetupSql } from "../../components/secrets/databaseSetup";

const everyStatement = [
  ...creationStatements("mlflow", "team_vision", "read-write"),
  ...creationStatements("mlflow", "team_vision", "read-only"),
  ...revocationStatements(),
];

describe("database statements, as text", () => {
  it("are single queries the plugin's split on ';' leaves whole, none holding the word END that would stop the split", () => {
    for (const statement of everyStatement) {
      expect(statement.split(";").filter((piece) => piece.trim() !== "")).toHaveLength(1);
      expect(statement).not.toMatch(/\bEND\b/);
    }
  });

  it("give training and serving different groups of the same team schema", () => {
    expect(creationStatements("mlflow", "team_vision", "read-write")[0]).toContain(`IN ROLE "mlflow_team_vision_read_write"`);
    expect(creationStatements("mlflow", "team_vision", "read-only")[0]).toContain(`IN ROLE "mlflow_team_vision_read_only"`);
    expect(creationStatements("mlflow", "team_vision", "read-only")[2]).toBe(`ALTER ROLE "{{name}}" IN DATABASE "mlflow" SET search_path TO "team_vision";`);
  });

  it("name each team's schema after the team, dashes made underscores", () => {
    expect(teamSchema("computer-vision")).toBe("team_computer_vision");
  });

  it("refuse names PostgreSQL would truncate or that would need escaping, naming the problem", () => {
    const longTeam = "a-team-whose-name-runs-on-well-past-what-postgres-keeps";
    expect(() => creationStatements("mlflow", teamSchema(longTeam), "read-write")).toThrow(/longer than 63 characters and would be truncated/);
    expect(() => databaseSetupSql("mlflow", "vault_admin", [longTeam])).toThrow(/longer than 63 characters/);
    expect(() => creationStatements(`ml"flow`, "team_vision", "read-write")).toThrow(/may only contain letters, digits/);
  });
});
