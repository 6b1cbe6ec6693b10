// Runs s3rver in its own process so a test can kill it mid-transfer.
// argv: directory bucket [port]; prints {"port":N} once it listens.
import S3rver from 's3rver';

const [directory, bucket, port = '0'] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: Number(port), silent: process.env.S3RVER_VERBOSE !== '1', directory, configureBuckets: [{ name: bucket }] });
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
