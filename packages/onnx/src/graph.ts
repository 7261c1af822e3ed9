/**
 * A small builder of ONNX graphs over onnx-proto's messages (ONNX's own `onnx.proto3` schema compiled by
 * protobufjs): nodes, initializers and inputs/outputs are collected, then written as one `onnx.ModelProto`
 * with protobufjs's encoder, so no protobuf byte is written by hand.
 *
 * Follows the ONNX IR spec (https://onnx.ai/onnx/repo-docs/IR.html): names are unique in the graph, nodes are
 * listed in a topological order, initializers are tensors with `raw_data` in little-endian order.
 * @internal
 */

import { float16Bits } from '@lxmls/nn';
import onnxProto from 'onnx-proto';

/** The `onnx` namespace of onnx-proto (a CommonJS module, read through its default export). */
export const onnx = onnxProto.onnx;

/** The ONNX element types this exporter writes. */
export type ElemType = 'float32' | 'float16' | 'int64' | 'bool';

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension of a graph input or output: a fixed size or a symbolic name (`'batch_size'`). */
export type Dim = number | string;

/** An attribute value of a node: an integer, a float, a list of integers, or a string. */
export type AttrValue = number | { float: number } | number[] | string;

/** The attribute's proto: integers (`INT`/`INTS`), `{ float }` (`FLOAT`) or a string (`STRING`). */
function attribute(name: string, value: AttrValue): InstanceType<typeof onnx.AttributeProto> {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string')
    return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: value });
  if (typeof value === 'object') return onnx.AttributeProto.create({ name, type: A.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: A.INT, i: value });
}

/** The little-endian bytes of a typed array (a view, no copy; every platform that runs ONNX is little-endian). */
function bytesOf(data: Float32Array | Uint16Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A value of the graph: its name, which later nodes take as an input. */
export type Value = string;

/** Collects the nodes, initializers, inputs and outputs of one ONNX graph. */
export class GraphBuilder {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly #used = new Set<string>();
  readonly #constants = new Map<string, Value>();

  /** A fresh value name from `base` (`base`, `base_1`, …). */
  name(base: string): Value {
    let name = base;
    for (let i = 1; this.#used.has(name); i++) name = `${base}_${i}`;
    this.#used.add(name);
    return name;
  }

  /** Declares a graph input or output of an element type and a shape of fixed and symbolic dims. */
  valueInfo(name: string, type: ElemType, dims: Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
    return onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: ELEM[type],
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
  }

  /** A graph input. */
  input(name: string, type: ElemType, dims: Dim[]): Value {
    this.#used.add(name);
    this.inputs.push(this.valueInfo(name, type, dims));
    return name;
  }

  /** Marks `value` as a graph output named `name` (an Identity node when the names differ). */
  output(value: Value, name: string, type: ElemType, dims: Dim[]): void {
    if (value !== name) this.node('Identity', [value], {}, name);
    this.outputs.push(this.valueInfo(name, type, dims));
  }

  /** An initializer: float32 values stored as float32 or float16, or int64 values. */
  initializer(base: string, data: Float32Array | BigInt64Array, dims: number[], type: ElemType): Value {
    const name = this.name(base);
    const raw =
      type === 'float16' && data instanceof Float32Array ? bytesOf(float16Bits(data)) : bytesOf(data);
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: ELEM[type], rawData: raw }));
    return name;
  }

  /** The constant cached under `key`, made by `make` the first time it is asked for. */
  #shared(key: string, make: () => Value): Value {
    let name = this.#constants.get(key);
    if (!name) {
      name = make();
      this.#constants.set(key, name);
    }
    return name;
  }

  /** A shared int64 constant (one initializer per distinct value list). */
  ints(values: number[]): Value {
    return this.#shared(`i64:${values.join(',')}`, () => {
      const data = BigInt64Array.from(values, (v) => BigInt(v));
      return this.initializer(
        `const_${values.join('_').replaceAll('-', 'm')}`,
        data,
        [values.length],
        'int64',
      );
    });
  }

  /** A shared int64 scalar constant (shape `[]`). */
  int(value: number): Value {
    return this.#shared(`i64s:${value}`, () =>
      this.initializer(`scalar_${value}`, BigInt64Array.of(BigInt(value)), [], 'int64'),
    );
  }

  /** A shared float32 scalar constant (shape `[]`). */
  float(value: number): Value {
    return this.#shared(`f32s:${value}`, () =>
      this.initializer(`scalar_f`, Float32Array.of(value), [], 'float32'),
    );
  }

  /** The domains of the nodes written so far (`''` is ONNX's default domain). */
  readonly domains = new Set<string>(['']);

  /**
   * Appends a node with one output (named from `out`, or from the op type), of ONNX's default domain or of
   * `domain` (`'com.microsoft'`: ONNX Runtime's contrib operators).
   *
   * @returns The output's name.
   */
  node(op: string, inputs: Value[], attrs: Record<string, AttrValue> = {}, out?: string, domain = ''): Value {
    return this.nodeN(op, inputs, [out ?? op], attrs, domain)[0]!;
  }

  /**
   * A node with several outputs (Split, ONNX Runtime's attention and skip-LayerNorm). An output named `''` is
   * an optional output left out, as ONNX writes it; an input `''` likewise.
   */
  nodeN(
    op: string,
    inputs: Value[],
    outs: string[],
    attrs: Record<string, AttrValue> = {},
    domain = '',
  ): Value[] {
    const outputs = outs.map((o) => (o === '' ? '' : this.name(o)));
    this.domains.add(domain);
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        domain,
        name: this.name(`${op}_node`),
        input: inputs,
        output: outputs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outputs;
  }

  /** The model's bytes: a `ModelProto` with this graph, encoded by protobufjs. */
  encode(meta: {
    graphName: string;
    opset: number;
    irVersion: number;
    docString: string;
    metadata: Record<string, string>;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: meta.irVersion,
      // ONNX's operators at `opset`; ONNX Runtime's contrib operators (com.microsoft) at their version 1
      opsetImport: [...this.domains].map((domain) => ({ domain, version: domain === '' ? meta.opset : 1 })),
      producerName: '@lxmls/onnx',
      docString: meta.docString,
      graph: {
        name: meta.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
