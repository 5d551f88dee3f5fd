// tensord from Node.js with only @grpc/grpc-js and @grpc/proto-loader
// (pinned in package-lock.json) and the installed .proto: the seed's
// autograd example, 20 steps of linear regression with one Execute per
// step, and a 16 MiB tensor up (UploadTensor) and down (DownloadTensor) in
// 1 MiB chunks.
//
//   npm ci
//   node tensord_grpc.js PREFIX/share/tensord/proto 127.0.0.1:50051 [TOKEN]
'use strict';
const crypto = require('crypto');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [protoDir, target, token] = process.argv.slice(2);
const def = protoLoader.loadSync(
    path.join(protoDir, 'tensord/v1/tensord.proto'),
    {includeDirs: [protoDir], keepCase: true, longs: Number, enums: String,
     defaults: true, oneofs: true});
const {TensorService} = grpc.loadPackageDefinition(def).tensord.v1;
const stub = new TensorService(target, grpc.credentials.createInsecure(),
                               {'grpc.max_receive_message_length': 64 << 20});
const md = new grpc.Metadata();
if (token) md.set('authorization', 'Bearer ' + token);

const call = (method, req) => new Promise((resolve, reject) =>
  stub[method](req, md, (err, res) => (err ? reject(err) : resolve(res))));

function f32(values, shape) {
  const buf = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return {dtype: 'DTYPE_FLOAT32', shape, data: buf};
}
const floats = (t) => Array.from({length: t.data.length / 4},
    (_, i) => Math.round(t.data.readFloatLE(4 * i) * 1e4) / 1e4);
const fmt = (v) => (Number.isInteger(v) ? v.toFixed(1) : String(v));
const node = (op, inputs, opts = {}) => ({op, inputs, attrs: opts.attrs || {},
  bind: opts.bind || [], return_value: !!opts.ret});
const name = (n) => ({name: n});
const out = (i) => ({node: {node: i, output: 0}});

async function main() {
  const sid = (await call('CreateSession', {})).id;
  md.set('x-tensord-session', sid);
  const execute = (...nodes) => call('Execute', {session_id: sid, nodes});

  // x = torch.arange(4.0, requires_grad=True); y = 2 * torch.dot(x, x)
  let r = await execute(
      node('arange', [], {attrs: {end: {scalar: {f: 4.0}}}}),
      node('requires_grad_', [out(0)], {bind: ['x']}),
      node('dot', [name('x'), name('x')]),
      node('mul', [{scalar: {i: 2}}, out(2)], {bind: ['y'], ret: true}));
  console.log('y = ' + fmt(floats(r.results[3].values[0])[0]));
  await call('Backward', {session_id: sid, tensor: {name: 'y'}});
  const g = await call('FetchTensor',
      {session_id: sid, tensor: {name: 'x'}, grad: true});
  console.log('x.grad = [' + floats(g.data).map(fmt).join(', ') + ']');

  // Linear regression y = 2 x + 1 on 8 points; each step one Execute.
  const xs = Array.from({length: 8}, (_, i) => i / 4);
  await execute(
      node('alias', [{literal: f32(xs.flatMap((x) => [x, 1.0]), [8, 2])}],
           {bind: ['X']}),
      node('alias', [{literal: f32(xs.map((x) => 2 * x + 1), [8])}],
           {bind: ['t']}),
      node('zeros', [], {attrs: {size: {ints: {values: [2]}}}}),
      node('requires_grad_', [out(2)], {bind: ['w']}));
  const losses = [];
  for (let step = 0; step < 20; ++step) {
    r = await execute(
        node('mv', [name('X'), name('w')]),
        node('sub', [out(0), name('t')]),
        node('mul', [out(1), out(1)]),
        node('mean', [out(2)], {ret: true}),
        node('autograd.grad', [out(3), name('w')],
             {attrs: {n_outputs: {i: 1}, n_inputs: {i: 1}}}),
        node('mul', [out(4), {scalar: {f: 0.1}}]),
        node('sub', [name('w'), out(5)]),
        node('detach', [out(6)]),
        node('requires_grad_', [out(7)], {bind: ['w']}));
    losses.push(floats(r.results[3].values[0])[0]);
  }
  console.log(`linear regression: loss ${fmt(losses[0])} after 1 step, ` +
              `${fmt(losses[19])} after 20`);
  if (!(losses[19] < losses[0] / 10)) throw new Error('the loss did not fall');

  // 16 MiB up and down, streamed in 1 MiB chunks.
  const big = crypto.randomBytes(16 << 20);
  const chunk = 1 << 20;
  await new Promise((resolve, reject) => {
    const up = stub.UploadTensor(md, (err, res) =>
      (err ? reject(err) : resolve(res)));
    up.write({session_id: sid, dtype: 'DTYPE_INT32', shape: [big.length / 4],
              name: 'big'});
    for (let i = 0; i < big.length; i += chunk) {
      up.write({chunk: big.subarray(i, i + chunk)});
    }
    up.end();
  });
  const parts = [];
  await new Promise((resolve, reject) => {
    const down = stub.DownloadTensor(
        {session_id: sid, tensor: {name: 'big'}, chunk_bytes: chunk}, md);
    down.on('data', (m) => parts.push(m.chunk));
    down.on('end', resolve);
    down.on('error', reject);
  });
  const same = Buffer.concat(parts).equals(big);
  console.log('16 MiB up and down: ' +
              (same ? 'the same bytes' : 'the bytes differ'));
  await call('CloseSession', {session_id: sid});
  if (!same) process.exitCode = 1;
}

main().catch((e) => {
  console.error('error: ' + e.message);
  process.exitCode = 1;
});
