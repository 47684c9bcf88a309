// Validates one OpenAPI document with two independent validators and prints what each
// found as JSON on stdout: {"swagger_parser": [...], "schema_validator": [...],
// "version": "3.1"}. Empty lists mean valid. (Spectral, the third, is run as its CLI.)
//   node validate.mjs DOCUMENT.json
import { readFile } from "node:fs/promises";
import SwaggerParser from "@apidevtools/swagger-parser";
import { Validator } from "@seriousme/openapi-schema-validator";

const text = await readFile(process.argv[2], "utf8");
const out = { swagger_parser: [], schema_validator: [], version: null };

// swagger-parser resolves and checks in place: give each validator its own copy.
try {
  await SwaggerParser.validate(JSON.parse(text));
} catch (e) {
  out.swagger_parser.push(String(e && e.message ? e.message : e));
  if (e && Array.isArray(e.details)) out.swagger_parser.push(...e.details.map((d) => JSON.stringify(d)));
}

const v = new Validator();
const res = await v.validate(JSON.parse(text));
out.version = v.version;
if (!res.valid) out.schema_validator = (res.errors || ["invalid"]).map((e) => JSON.stringify(e));

process.stdout.write(JSON.stringify(out) + "\n");
