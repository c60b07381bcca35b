using RecServices.Training.Nn;

namespace RecServices.Training.Tests;

/// <summary>
/// The averaged weights equal the step-by-step debiased average, and are the current weights before any step.
/// </summary>
public sealed class WeightAverageTests
{
    [Fact]
    public void Snapshot_LazySparseRows_EqualTheStepByStepDebiasedAverage()
    {
        const double Decay = 0.8;
        var sparse = new Parameter("embedding", rows: 4, columns: 2, sparse: true);
        var dense = new Parameter("weight", rows: 1, columns: 3, sparse: false);
        var rng = new Random(3);
        sparse.InitNormal(rng, 1);
        dense.InitNormal(rng, 1);
        var average = new WeightAverage([sparse, dense], Decay);
        var expectedSparse = new double[sparse.Value.Length];
        var expectedDense = new double[dense.Value.Length];
        var weight = 0.0; // Σ (1 − d) d^(t − s): the debiasing denominator

        for (var step = 0; step < 25; step++)
        {
            // Some rows get gradient; only they move (lazy Adam), the dense parameter always moves.
            foreach (var row in Enumerable.Range(0, sparse.Rows).Where(_ => rng.NextDouble() < 0.3))
            {
                sparse.Touch(row);
            }

            average.BeforeStep();
            foreach (var row in sparse.TouchedRows)
            {
                sparse.Row(row)[0] += (float)rng.NextDouble();
                sparse.Row(row)[1] -= (float)rng.NextDouble();
            }

            for (var i = 0; i < dense.Value.Length; i++)
            {
                dense.Value[i] += (float)(rng.NextDouble() - 0.5);
            }

            average.AfterStep();
            sparse.ClearGrad();
            for (var i = 0; i < expectedSparse.Length; i++)
            {
                expectedSparse[i] = (Decay * expectedSparse[i]) + ((1 - Decay) * sparse.Value[i]);
            }

            for (var i = 0; i < expectedDense.Length; i++)
            {
                expectedDense[i] = (Decay * expectedDense[i]) + ((1 - Decay) * dense.Value[i]);
            }

            weight = (Decay * weight) + (1 - Decay);
        }

        var snapshot = average.Snapshot();

        for (var i = 0; i < expectedSparse.Length; i++)
        {
            Assert.Equal(expectedSparse[i] / weight, snapshot[0][i], 4);
        }

        for (var i = 0; i < expectedDense.Length; i++)
        {
            Assert.Equal(expectedDense[i] / weight, snapshot[1][i], 4);
        }
    }

    [Fact]
    public void Snapshot_BeforeAnyStep_IsTheCurrentWeights()
    {
        var p = new Parameter("w", 2, 2, sparse: false);
        p.InitNormal(new Random(1), 1);

        var snapshot = new WeightAverage([p], 0.9).Snapshot();

        Assert.Equal(p.Value, snapshot[0]);
    }
}
