using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace RecServices.Training.Onnx;

/// <summary>Small helper over the ONNX protobuf classes: initializers, graph inputs/outputs, nodes.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;

    public OnnxGraphBuilder(string name)
    {
        _graph = new GraphProto { Name = name };
    }

    public void FloatInitializer(string name, ReadOnlySpan<float> values, params long[] shape)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)),
        };
        tensor.Dims.AddRange(shape);
        _graph.Initializer.Add(tensor);
    }

    public void Int64Initializer(string name, ReadOnlySpan<long> values, params long[] shape)
    {
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Int64,
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)),
        };
        tensor.Dims.AddRange(shape);
        _graph.Initializer.Add(tensor);
    }

    /// <summary>A graph input or output; a dimension of -1 is the symbolic "batch".</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(
                d < 0
                    ? new TensorShapeProto.Types.Dimension { DimParam = "batch" }
                    : new TensorShapeProto.Types.Dimension { DimValue = d }
            );
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape },
            },
        };
    }

    public void Input(ValueInfoProto value) => _graph.Input.Add(value);

    public void Output(ValueInfoProto value) => _graph.Output.Add(value);

    public void Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new()
        {
            Name = name,
            Type = AttributeProto.Types.AttributeType.Int,
            I = value,
        };

    public ModelProto Build(IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "recservices",
            ProducerVersion = "1",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }
}
