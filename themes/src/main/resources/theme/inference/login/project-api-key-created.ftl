<#-- Step 2 of the "project-api-key-register" required action: the new key, shown this one time only. -->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#assign apiBaseUrl = properties.inferenceApiBaseUrl?has_content?then(properties.inferenceApiBaseUrl, "https://<inference API>/v1")>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: project-api-key-created.ftl -->
    <#if section = "header">
        ${msg("apiKeyCreatedTitle", apiKeyCreated.name)}
    <#elseif section = "form">
        <#if apiKeyCreated.key??>
            <div class="${properties.kcAlertClass!} pf-m-warning" id="kc-api-key-warning">
                <div class="${properties.kcAlertIconClass!}"><i class="fas fa-fw fa-exclamation-triangle" aria-hidden="true"></i></div>
                <h2 class="${properties.kcAlertTitleClass!}">${msg("apiKeyShownOnce")}</h2>
            </div>

            <div class="${properties.kcFormGroupClass!}">
                <label for="kc-api-key" class="${properties.kcFormLabelClass!}">
                    <span class="${properties.kcFormLabelTextClass!}">${msg("apiKeyNewKey")}</span>
                </label>
                <div class="${properties.kcInputGroup!}">
                    <div class="${properties.kcInputGroupItemClass!} ${properties.kcFill!}">
                        <span class="${properties.kcInputClass!} ${properties.kcFormReadOnlyClass!}">
                            <input id="kc-api-key" type="text" value="${apiKeyCreated.key}" readonly spellcheck="false" autocomplete="off"
                                   style="font-family: var(--pf-v5-global--FontFamily--monospace)"/>
                        </span>
                    </div>
                    <div class="${properties.kcInputGroupItemClass!}">
                        <button id="kc-api-key-copy" type="button" class="${properties.kcButtonSecondaryClass!}"
                                data-copied="${msg('apiKeyCopied')}">${msg("apiKeyCopy")}</button>
                    </div>
                </div>
            </div>

            <p id="kc-api-key-details">${msg("apiKeyCreatedDetails", apiKeyCreated.keyId, apiKeyCreated.projectName)}</p>

            <h3 class="pf-v5-u-mt-md pf-v5-u-font-weight-bold">${msg("apiKeyUsageCurl")}</h3>
<pre id="kc-api-key-usage-curl" class="pf-v5-c-code-block pf-v5-u-p-sm" style="white-space: pre-wrap">export INFERENCE_API_KEY='&lt;${msg("apiKeyUsagePasteKey")}&gt;'

curl ${apiBaseUrl}/models \
  -H "Authorization: Bearer $INFERENCE_API_KEY"</pre>

            <h3 class="pf-v5-u-mt-md pf-v5-u-font-weight-bold">${msg("apiKeyUsageOpenAi")}</h3>
<pre id="kc-api-key-usage-openai" class="pf-v5-c-code-block pf-v5-u-p-sm" style="white-space: pre-wrap">import os
from openai import OpenAI

client = OpenAI(
    base_url="${apiBaseUrl}",
    api_key=os.environ["INFERENCE_API_KEY"],
)
print(client.models.list())</pre>
        <#else>
            <p id="kc-api-key-already-shown">${msg("apiKeyAlreadyShown", apiKeyCreated.keyId)}</p>
        </#if>

        <form id="kc-api-key-done-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <@buttons.actionGroup>
                <@buttons.button name="done" id="kc-api-key-done" label="apiKeyDone"/>
            </@buttons.actionGroup>
        </form>

        <#if apiKeyCreated.key??>
        <script>
            document.getElementById("kc-api-key-copy").addEventListener("click", function (event) {
                var button = event.currentTarget;
                var input = document.getElementById("kc-api-key");
                var done = function () { button.textContent = button.getAttribute("data-copied"); };
                var selectAndCopy = function () {
                    input.select();
                    if (document.execCommand("copy")) { done(); }
                };
                if (navigator.clipboard && window.isSecureContext) {
                    navigator.clipboard.writeText(input.value).then(done, selectAndCopy);
                } else {
                    selectAndCopy();
                }
            });
        </script>
        </#if>
    </#if>
</@layout.registrationLayout>
