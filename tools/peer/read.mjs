// Reads every image listed (one path per line) in the file named by argv[2] with @gutenye/ocr-node and
// prints one JSON line per image: {"path", "ms", "texts": [...]}, then a final {"total_ms", "images"}.
// Used by `dotnet run --project tools/Bench -- read` to compare speed and readings on the same images.
import { readFileSync } from 'node:fs'
import Ocr from '@gutenye/ocr-node'

const paths = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)
const ocr = await Ocr.create()
// One warm-up image outside the timing, as the .NET side loads its sessions before timing too.
if (paths.length > 0) await ocr.detect(paths[0])
const start = process.hrtime.bigint()
for (const path of paths) {
  const t0 = process.hrtime.bigint()
  const lines = await ocr.detect(path)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  process.stdout.write(JSON.stringify({ path, ms, texts: lines.map((l) => l.text) }) + '\n')
}
const totalMs = Number(process.hrtime.bigint() - start) / 1e6
process.stdout.write(JSON.stringify({ total_ms: totalMs, images: paths.length }) + '\n')
