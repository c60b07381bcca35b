namespace RecServices.Core.Data;

/// <summary>Assembles a <see cref="Dataset"/> while a loader reads files, mapping ids to dense indices.</summary>
internal sealed class DatasetBuilder
{
    private readonly List<string> _categories = [];
    private readonly Dictionary<string, int> _categoryIndex = new(StringComparer.Ordinal);
    private readonly List<Item> _items = [];
    private readonly Dictionary<string, int> _itemIndex = new(StringComparer.Ordinal);
    private readonly List<User> _users = [];
    private readonly Dictionary<string, int> _userIndex = new(StringComparer.Ordinal);
    private readonly InteractionTable _interactions;

    public DatasetBuilder(int interactionCapacity = 1024)
    {
        _interactions = new InteractionTable(interactionCapacity);
    }

    public int ItemCount => _items.Count;

    public int UserCount => _users.Count;

    /// <summary>Index of a category, added on first use.</summary>
    public int Category(string name)
    {
        if (!_categoryIndex.TryGetValue(name, out var index))
        {
            index = _categories.Count;
            _categories.Add(name);
            _categoryIndex.Add(name, index);
        }

        return index;
    }

    /// <summary>Adds an item; false when the id is already present.</summary>
    public bool TryAddItem(Item item)
    {
        if (!_itemIndex.TryAdd(item.Id, _items.Count))
        {
            return false;
        }

        _items.Add(item);
        return true;
    }

    /// <summary>Adds a user; false when the id is already present.</summary>
    public bool TryAddUser(User user)
    {
        if (!_userIndex.TryAdd(user.Id, _users.Count))
        {
            return false;
        }

        _users.Add(user);
        return true;
    }

    public bool TryGetItem(string id, out int index) => _itemIndex.TryGetValue(id, out index);

    /// <summary>Index of a user, adding one with no profile when the dataset has no user file.</summary>
    public int UserOrNew(string id)
    {
        if (!_userIndex.TryGetValue(id, out var index))
        {
            index = _users.Count;
            _users.Add(new User(id, Country: null));
            _userIndex.Add(id, index);
        }

        return index;
    }

    public bool TryGetUser(string id, out int index) => _userIndex.TryGetValue(id, out index);

    /// <summary>
    /// Resolves a rating row's user and item for <paramref name="reader"/>'s current line. With a user file
    /// (<paramref name="userFile"/> not null) the user must be listed there; without one a user is created on
    /// first sight. The item must be in the catalog read from <paramref name="itemFile"/>.
    /// </summary>
    public (int User, int Item) ResolveRating(
        LineReader reader,
        string userLabel,
        string userId,
        string? userFile,
        string itemLabel,
        string itemId,
        string itemFile
    )
    {
        int user;
        if (userFile is null)
        {
            user = UserOrNew(userId);
        }
        else if (!TryGetUser(userId, out user))
        {
            throw reader.Error($"{userLabel} {userId} is not in {userFile}");
        }

        return TryGetItem(itemId, out var item)
            ? (user, item)
            : throw reader.Error($"{itemLabel} {itemId} is not in {itemFile}");
    }

    public void AddInteraction(int user, int item, float rating, long timestamp, InteractionKind kind) =>
        _interactions.Add(user, item, rating, timestamp, kind);

    /// <summary>The dataset, its categories in <see cref="CategoryOrder"/>.</summary>
    public Dataset Build(string name)
    {
        var (categories, items) = CategoryOrder.Sort(_categories, _items);
        return new Dataset(name, categories, items, _users.ToArray(), _interactions);
    }
}
