// Builds levelfield's static files from npm packages: no CDN, nothing fetched at run time.
import { existsSync, renameSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "levelfield", "static", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

// A file is written only when its content differs from what is there: a build run again (each
// `./dev test` builds, and CI runs the SQLite and PostgreSQL suites side by side) leaves files
// the other run may be serving untouched, never half written.
function put(target, content) {
  if (existsSync(target) && readFileSync(target).equals(content)) return;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, target);
}

function copy(source, target) {
  if (statSync(source).isDirectory()) {
    for (const name of readdirSync(source)) copy(join(source, name), join(target, name));
  } else {
    put(target, readFileSync(source));
  }
}

const css = sass.compile(join(root, "assets", "application.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
put(join(out, "application.css"), Buffer.from(css.css));
copy(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
copy(join(govuk, "assets"), join(root, "levelfield", "static", "govuk", "assets"));
copy(join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));
copy(join(root, "node_modules", "tus-js-client", "dist", "tus.min.js"), join(out, "tus.min.js"));
// Its source map beside it: the served copy names it, and collectstatic checks every such reference.
copy(join(root, "node_modules", "tus-js-client", "dist", "tus.min.js.map"), join(out, "tus.min.js.map"));
// SHA-256 of a chosen file, read in slices (a bid file may be 500 MB): the bid page declares it
// when an upload begins, so a file finishing after the deadline is the one chosen before it.
copy(join(root, "node_modules", "hash-wasm", "dist", "sha256.umd.min.js"), join(out, "sha256.min.js"));
// levelfield's own scripts, as files: the Content-Security-Policy runs no script written in a page.
for (const name of readdirSync(join(root, "assets", "js"))) {
  copy(join(root, "assets", "js", name), join(out, name));
}
console.log("built static assets into levelfield/static");
