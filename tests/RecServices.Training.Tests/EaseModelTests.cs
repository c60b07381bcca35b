using RecServices.Core.Data;
using RecServices.Training.Baselines;

namespace RecServices.Training.Tests;

/// <summary>EASE against its definition, computed here with a plain Gauss-Jordan inverse.</summary>
public sealed class EaseModelTests
{
    [Fact]
    public void Fit_SmallMatrix_WeightsEqualTheClosedFormAndTheDiagonalIsZero()
    {
        // 5 users over 4 items.
        int[][] users =
        [
            [0, 1],
            [0, 1, 2],
            [1, 2],
            [2, 3],
            [0, 3],
        ];
        var rows = new InteractionTable();
        for (var u = 0; u < users.Length; u++)
        {
            foreach (var i in users[u])
            {
                rows.Add(u, i, 1, 0, InteractionKind.Watched);
            }
        }

        rows.Add(0, 0, 1, 1, InteractionKind.Watched); // a repeat counts once (binary X)
        const double Lambda = 2;
        var model = EaseModel.Fit(rows, users.Length, 4, Lambda);

        var gram = new double[4, 4];
        foreach (var items in users)
        {
            foreach (var i in items)
            {
                foreach (var j in items)
                {
                    gram[i, j]++;
                }
            }
        }

        for (var i = 0; i < 4; i++)
        {
            gram[i, i] += Lambda;
        }

        var p = Invert(gram);
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                var expected = i == j ? 0 : -p[i, j] / p[j, j];
                Assert.Equal(expected, model.Weight(i, j), 5);
            }
        }
    }

    [Fact]
    public void Recommend_LeavesTheHistoryOutAndRanksTheCoOccurringItemFirst()
    {
        var rows = new InteractionTable();
        var random = new Random(3);
        for (var u = 0; u < 200; u++)
        {
            // Items 0 and 1 go together; the rest are noise.
            if (u % 2 == 0)
            {
                rows.Add(u, 0, 1, 0, InteractionKind.Watched);
                rows.Add(u, 1, 1, 0, InteractionKind.Watched);
            }

            rows.Add(u, 2 + random.Next(18), 1, 0, InteractionKind.Watched);
        }

        var model = EaseModel.Fit(rows, 200, 20, 10);

        var top = model.Recommend([0, 5], 3);

        Assert.Equal(1, top[0]);
        Assert.DoesNotContain(0, top);
        Assert.DoesNotContain(5, top);
        Assert.Equal(3, top.Length);
    }

    [Fact]
    public void Fit_CatalogPastTheDenseLimit_IsRefusedSayingWhy()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            EaseModel.Fit(new InteractionTable(), 1, EaseModel.MaxItems + 1, 100)
        );

        Assert.Contains("dense in the catalog", e.Message);
    }

    private static double[,] Invert(double[,] a)
    {
        var n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[i, j] = a[i, j];
            }

            m[i, n + i] = 1;
        }

        for (var c = 0; c < n; c++)
        {
            var pivot = m[c, c];
            for (var j = 0; j < 2 * n; j++)
            {
                m[c, j] /= pivot;
            }

            for (var r = 0; r < n; r++)
            {
                if (r != c)
                {
                    var f = m[r, c];
                    for (var j = 0; j < 2 * n; j++)
                    {
                        m[r, j] -= f * m[c, j];
                    }
                }
            }
        }

        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                inverse[i, j] = m[i, n + j];
            }
        }

        return inverse;
    }
}
