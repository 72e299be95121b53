using System.Collections;
using System.Reflection;

namespace TcpRelay.Configuration;

/// <summary>
/// Structural equality for configuration records. The compiler's record equality compares
/// lists and dictionaries inside a record by reference, so two loads of the same file would
/// differ; this walks the records' public properties instead, comparing sequences element by
/// element and dictionaries by key. Types outside this namespace (IPEndPoint, IPNetwork,
/// TimeSpan, strings, enums) use their own equality. New record properties are covered as they
/// are added.
/// </summary>
internal static class ConfigEquality
{
    private static readonly string? RecordNamespace = typeof(ConfigEquality).Namespace;

    public static bool AreEqual(object? left, object? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return false;
        }

        if (left is string || right is string)
        {
            return left.Equals(right);
        }

        // A list loaded from a file and one built in code may differ in concrete type only.
        if (left is IDictionary leftMap && right is IDictionary rightMap)
        {
            return DictionariesEqual(leftMap, rightMap);
        }

        if (left is IEnumerable leftItems && right is IEnumerable rightItems)
        {
            return SequencesEqual(leftItems, rightItems);
        }

        Type type = left.GetType();
        if (type != right.GetType())
        {
            return false;
        }

        if (type.Namespace != RecordNamespace || type.IsEnum)
        {
            return left.Equals(right);
        }

        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0
                && !AreEqual(property.GetValue(left), property.GetValue(right)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DictionariesEqual(IDictionary left, IDictionary right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (DictionaryEntry entry in left)
        {
            if (!right.Contains(entry.Key) || !AreEqual(entry.Value, right[entry.Key]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SequencesEqual(IEnumerable left, IEnumerable right)
    {
        IEnumerator l = left.GetEnumerator();
        IEnumerator r = right.GetEnumerator();
        while (true)
        {
            bool hasLeft = l.MoveNext();
            if (hasLeft != r.MoveNext())
            {
                return false;
            }

            if (!hasLeft)
            {
                return true;
            }

            if (!AreEqual(l.Current, r.Current))
            {
                return false;
            }
        }
    }
}
