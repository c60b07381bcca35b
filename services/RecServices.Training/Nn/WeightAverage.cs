using System.Numerics.Tensors;

namespace RecServices.Training.Nn;

/// <summary>
/// An exponential moving average of the parameters over optimiser steps (Polyak averaging): the averaged
/// weights are what validation scores and what the bundle keeps, which smooths the step-to-step noise of
/// the last epochs. Sparse parameters are averaged lazily and exactly: an untouched row does not change
/// under lazy Adam, so a row that waited Δ steps catches up with one multiply by decay^Δ. The average starts
/// from zero and is divided by 1 − decay^t (as Adam debiases its moments), so the initial weights never
/// weigh in and a short training's average is already the average of what it learned.
/// </summary>
public sealed class WeightAverage
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _average;
    private readonly int[]?[] _lastStep;
    private readonly double _decay;
    private int _step;

    public WeightAverage(IReadOnlyList<Parameter> parameters, double decay)
    {
        if (decay is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the average's decay must lie in (0, 1)");
        }

        _parameters = parameters;
        _decay = decay;
        _average = parameters.Select(p => new float[p.Value.Length]).ToArray();
        _lastStep = parameters.Select(p => p.IsSparse ? new int[p.Rows] : null).ToArray();
    }

    /// <summary>
    /// Call after the backward pass and before the optimiser step: brings the rows about to change up to the
    /// previous step.
    /// </summary>
    public void BeforeStep()
    {
        for (var i = 0; i < _parameters.Count; i++)
        {
            if (_lastStep[i] is { } last)
            {
                var p = _parameters[i];
                foreach (var row in p.TouchedRows)
                {
                    CatchUp(i, row, _step, last);
                }
            }
        }
    }

    /// <summary>
    /// Call after the optimiser step: averages in the new values of the dense parameters and of the rows that
    /// moved.
    /// </summary>
    public void AfterStep()
    {
        _step++;
        var d = (float)_decay;
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (_lastStep[i] is { } last)
            {
                foreach (var row in p.TouchedRows)
                {
                    Blend(_average[i].AsSpan(row * p.Columns, p.Columns), p.Row(row), d);
                    last[row] = _step;
                }
            }
            else
            {
                Blend(_average[i], p.Value, d);
            }
        }
    }

    /// <summary>
    /// A copy of the averaged, debiased weights (every sparse row brought up to the current step), in
    /// <see cref="Parameter"/> order; before any step, the current weights.
    /// </summary>
    public float[][] Snapshot()
    {
        if (_step == 0)
        {
            return _parameters.Select(p => (float[])p.Value.Clone()).ToArray();
        }

        for (var i = 0; i < _parameters.Count; i++)
        {
            if (_lastStep[i] is { } last)
            {
                for (var row = 0; row < _parameters[i].Rows; row++)
                {
                    CatchUp(i, row, _step, last);
                }
            }
        }

        var debias = (float)(1 / (1 - Math.Pow(_decay, _step)));
        return _average
            .Select(a =>
            {
                var copy = new float[a.Length];
                TensorPrimitives.Multiply(a, debias, copy);
                return copy;
            })
            .ToArray();
    }

    /// <summary>
    /// The row held its current value for the steps since it was last averaged: average that in, up to
    /// <paramref name="step"/>.
    /// </summary>
    private void CatchUp(int parameter, int row, int step, int[] last)
    {
        var waited = step - last[row];
        if (waited <= 0)
        {
            return;
        }

        var p = _parameters[parameter];
        Blend(_average[parameter].AsSpan(row * p.Columns, p.Columns), p.Row(row), (float)Math.Pow(_decay, waited));
        last[row] = step;
    }

    /// <summary>average = keep · average + (1 − keep) · value.</summary>
    private static void Blend(Span<float> average, ReadOnlySpan<float> value, float keep)
    {
        TensorPrimitives.Multiply(average, keep, average);
        TensorPrimitives.MultiplyAdd(value, 1 - keep, average, average);
    }
}
