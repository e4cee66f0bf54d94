import { Button, TextInput, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import { SearchIcon } from "@patternfly/react-icons";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { NO_SEARCH, type KeySearch } from "./keys";

const FIELDS: { field: keyof KeySearch; label: string }[] = [
  { field: "user", label: "inferenceSearchUser" },
  { field: "project", label: "inferenceSearchProject" },
  { field: "name", label: "inferenceSearchName" },
  { field: "keyId", label: "inferenceSearchKeyId" },
];

/** Filters of the realm-wide key listing: user (id or username), project, name part, key id. */
export const SearchToolbar = ({ onSearch }: { onSearch: (search: KeySearch) => void }) => {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(NO_SEARCH);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch({
      user: draft.user.trim(),
      project: draft.project.trim(),
      name: draft.name.trim(),
      keyId: draft.keyId.trim(),
    });
  };

  return (
    <form onSubmit={submit}>
      <Toolbar>
        <ToolbarContent>
          {FIELDS.map(({ field, label }) => (
            <ToolbarItem key={field}>
              <TextInput
                id={`search-${field}`}
                aria-label={t(label)}
                placeholder={t(label)}
                value={draft[field]}
                onChange={(_event, value) => setDraft({ ...draft, [field]: value })}
              />
            </ToolbarItem>
          ))}
          <ToolbarItem>
            <Button type="submit" variant="primary" icon={<SearchIcon />} id="search-keys">
              {t("inferenceSearch")}
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="link"
              onClick={() => {
                setDraft(NO_SEARCH);
                onSearch(NO_SEARCH);
              }}
            >
              {t("inferenceClearSearch")}
            </Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
    </form>
  );
};
