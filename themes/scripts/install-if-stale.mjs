// Runs `npm ci` in the current folder (one of the web apps under src/main/) unless its
// node_modules was installed from this very package-lock.json, so that repeated Maven builds
// neither reinstall nor need the network. Called by ../pom.xml for each app.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const lockHash = createHash("sha256").update(readFileSync("package-lock.json")).digest("hex");
const stamp = "node_modules/.installed-from-lock.sha256";

if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === lockHash) {
  console.log("node_modules matches package-lock.json: npm ci skipped");
} else {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { stdio: "inherit" });
  writeFileSync(stamp, `${lockHash}\n`);
}
