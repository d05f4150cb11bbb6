// Fill a PDF form as Firefox's viewer does, with pdf.js itself (pinned in package-lock.json).
//
//   node fill_pdfjs.mjs IN.pdf OUT.pdf VALUES.json
//
// VALUES.json maps field names to values: a radio group to the export value of the widget
// to choose, a text field to its text. The values go into the document's annotationStorage,
// as the viewer's annotation layer puts them when a person clicks and types (the chosen
// radio true, the others of its group false), and saveDocument() writes the PDF the viewer
// would download. A field that the form lacks, or a radio value no widget exports, is an error.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const standardFontDataUrl = join(here, "node_modules", "pdfjs-dist", "standard_fonts") + "/";

function storedValues(fields, values) {
  const stored = [];
  for (const [name, value] of Object.entries(values)) {
    const widgets = fields[name];
    if (!widgets) {
      throw new Error(`no field ${name}`);
    }
    const radios = widgets.filter((widget) => widget.type === "radiobutton");
    if (radios.length === 0) {
      stored.push(...widgets.map((widget) => [widget.id, { value }]));
      continue;
    }
    if (!radios.some((widget) => widget.exportValues === value)) {
      throw new Error(`field ${name} has no choice ${value}`);
    }
    stored.push(...radios.map((widget) => [widget.id, { value: widget.exportValues === value }]));
  }
  return stored;
}

async function main([input, output, valuesFile]) {
  const values = JSON.parse(readFileSync(valuesFile, "utf-8"));
  const data = new Uint8Array(readFileSync(input));
  const document = await getDocument({ data, standardFontDataUrl, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const fields = (await document.getFieldObjects()) ?? {};
    for (const [id, entry] of storedValues(fields, values)) {
      document.annotationStorage.setValue(id, entry);
    }
    writeFileSync(output, await document.saveDocument());
  } finally {
    await document.destroy();
  }
}

await main(process.argv.slice(2));
