-- Purposes are dotted names; consent to a purpose covers its children.
-- purpose_ancestors('marketing.offers') = ['marketing', 'marketing.offers'].
CREATE OR REPLACE MACRO purpose_ancestors(purpose) AS
    list_transform(
        range(1, len(string_split(purpose, '.')) + 1),
        depth -> array_to_string(string_split(purpose, '.')[1:depth], '.')
    );
