// Load generator for the benchmarks, run as its own process so it does not share the server's event loop.
// Input (JSON on stdin): { url, paths, headers, connections, seconds }. Output (JSON on stdout): autocannon's result.
import autocannon from 'autocannon';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { url, paths, headers, connections, seconds } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let next = 0;
const result = await autocannon({
  url,
  connections,
  duration: seconds,
  headers,
  requests: [
    {
      setupRequest: (request) => {
        request.path = paths[next++ % paths.length];
        return request;
      },
    },
  ],
});
process.stdout.write(JSON.stringify(result));
