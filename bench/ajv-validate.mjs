// The comparison point of bench/validate-throughput.sh: ajv (its JSON Schema 2020-12 build, strict mode, every
// error collected like mpsd) over the same schemas, one line per file as 'mpsd validate' prints them.
//   node bench/ajv-validate.mjs <schemas-dir> <request|properties|response> <folder>
// Each file is read, parsed and validated in turn (the schema is compiled once); files in name order.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const [schemasDir, kind, folder] = process.argv.slice(2);
if (!folder) {
  console.error("usage: node bench/ajv-validate.mjs <schemas-dir> <request|properties|response> <folder>");
  process.exit(2);
}
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(join(schemasDir, `${kind}.schema.json`), "utf8")));
const files = readdirSync(folder, { recursive: true }).filter(f => f.endsWith(".json")).sort();
const lines = [];
let valid = 0;
for (const file of files) {
  const path = join(folder, file);
  let instance;
  try {
    instance = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
  } catch (e) {
    lines.push(`FAIL ${path}: not JSON: ${e.message}`);
    continue;
  }
  if (validate(instance)) {
    valid++;
    lines.push(`PASS ${path}`);
  } else {
    const [first] = validate.errors;
    const more = validate.errors.length - 1;
    lines.push(`FAIL ${path}: ${first.instancePath || "/"}: ${first.message}${more > 0 ? ` (+${more} more)` : ""}`);
  }
}
process.stdout.write(lines.join("\n") + (lines.length ? "\n" : ""));
console.error(`${files.length} file(s) checked as ${kind}: ${valid} valid, ${files.length - valid} invalid`);
