// Independent second validator for the self-tests: ajv (its JSON Schema 2020-12 build, strict mode) over the same schemas.
// Usage: node tools/ajv-verdicts.mjs <schemas-dir> < cases.json
//   cases.json: [{"kind": "request|properties|response", "path": "<file>"}]
// Prints: [{"kind", "path", "valid": bool|null, "pointers": [...], "error": "why it was not validated"}]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const schemasDir = process.argv[2];
if (!schemasDir) {
  console.error("usage: node tools/ajv-verdicts.mjs <schemas-dir> < cases.json");
  process.exit(2);
}
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = {};
for (const kind of ["request", "properties", "response"]) {
  validators[kind] = ajv.compile(JSON.parse(readFileSync(join(schemasDir, `${kind}.schema.json`), "utf8")));
}
const cases = JSON.parse(readFileSync(0, "utf8"));
const results = cases.map(({ kind, path }) => {
  let instance;
  try {
    instance = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
  } catch (e) {
    return { kind, path, valid: null, pointers: [], error: `not JSON: ${e.message}` };
  }
  const validate = validators[kind];
  const valid = validate(instance);
  const pointers = valid ? [] : [...new Set(validate.errors.map(pointerOf))];
  return { kind, path, valid, pointers };
});
process.stdout.write(JSON.stringify(results));

// Where an error points, in our convention: a missing or unknown property, or a refused key, is named itself.
function pointerOf(e) {
  if (e.propertyName !== undefined) return `${e.instancePath}/${escape(e.propertyName)}`;
  switch (e.keyword) {
    case "additionalProperties": return `${e.instancePath}/${escape(e.params.additionalProperty)}`;
    case "unevaluatedProperties": return `${e.instancePath}/${escape(e.params.unevaluatedProperty)}`;
    case "propertyNames": return `${e.instancePath}/${escape(e.params.propertyName)}`;
    case "required":
    case "dependentRequired": return `${e.instancePath}/${escape(e.params.missingProperty)}`;
    default: return e.instancePath;
  }
}

function escape(token) {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}
