import {
  Button,
  HelperText,
  HelperTextItem,
  TextInput,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { lastDays, PRESET_DAYS, rangeProblem, type DayRange } from "./range";

type Props = { range: DayRange; onChange: (range: DayRange) => void };

/** Presets (last 7 / 30 / 90 days) and a from / to pair of UTC days. */
export const RangePicker = ({ range, onChange }: Props) => {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(range);
  useEffect(() => setDraft(range), [range]);
  const problem = rangeProblem(draft);
  const preset = PRESET_DAYS.find((days) => {
    const candidate = lastDays(days);
    return candidate.from === range.from && candidate.to === range.to;
  });

  return (
    <Toolbar>
      <ToolbarContent>
        <ToolbarItem>
          <ToggleGroup aria-label={t("inferenceRangePresets")}>
            {PRESET_DAYS.map((days) => (
              <ToggleGroupItem
                key={days}
                text={t("inferenceLastDays", { count: days })}
                buttonId={`range-last-${days}`}
                isSelected={preset === days}
                onChange={() => onChange(lastDays(days))}
              />
            ))}
          </ToggleGroup>
        </ToolbarItem>
        <ToolbarItem variant="label">{t("inferenceRangeFrom")}</ToolbarItem>
        <ToolbarItem>
          <TextInput
            type="date"
            id="range-from"
            aria-label={t("inferenceRangeFrom")}
            value={draft.from}
            onChange={(_event, from) => setDraft({ ...draft, from })}
          />
        </ToolbarItem>
        <ToolbarItem variant="label">{t("inferenceRangeTo")}</ToolbarItem>
        <ToolbarItem>
          <TextInput
            type="date"
            id="range-to"
            aria-label={t("inferenceRangeTo")}
            value={draft.to}
            onChange={(_event, to) => setDraft({ ...draft, to })}
          />
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="secondary"
            id="range-apply"
            isDisabled={problem !== undefined}
            onClick={() => onChange(draft)}
          >
            {t("inferenceRangeApply")}
          </Button>
        </ToolbarItem>
        <ToolbarItem>
          <HelperText>
            <HelperTextItem variant={problem ? "error" : "default"}>
              {problem ? t(problem) : t("inferenceRangeUtc")}
            </HelperTextItem>
          </HelperText>
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
};
