// (a) TypeScript/Node cdk8s writing exactly the library's documents as raw ApiObjects.
//     node bench/node/raw.mjs DOCS.json OUTDIR
// ApiObjectProps takes any extra top-level key (spec, data...) in TypeScript: one object, no patch.
import { readFileSync } from 'node:fs';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';

const [docsFile, outdir] = process.argv.slice(2);
const environments = JSON.parse(readFileSync(docsFile, 'utf8'));
const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
let objects = 0;
for (const [name, docs] of Object.entries(environments)) {
  const chart = new Chart(app, name);
  docs.forEach((doc, index) => {
    new ApiObject(chart, String(index), doc);
    objects += 1;
  });
}
app.synth();
console.log(JSON.stringify({ objects }));
