<#-- Step 1 of the "project-api-key-register" required action: name, project and expiry of a new API key.
     Shipped in the extension jar: it imports only template.ftl, which every login theme has. -->
<#import "template.ftl" as layout>
<#macro fieldError name>
    <#if messagesPerField.existsError(name)>
        <span id="input-error-${name}" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">${kcSanitize(messagesPerField.get(name))?no_esc}</span>
    </#if>
</#macro>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError("name","project","expiresOn"); section>
<!-- template: inference-api-key-register.ftl -->
    <#if section = "header">
        ${msg("inferenceApiKeyRegisterTitle")}
    <#elseif section = "form">
        <p id="kc-api-key-intro">${msg("inferenceApiKeyRegisterIntro")}</p>
        <form id="kc-api-key-register-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelWrapperClass!}">
                    <label for="name" class="${properties.kcLabelClass!}">${msg("inferenceApiKeyName")} *</label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <input id="name" name="name" type="text" value="${apiKeyForm.name}" class="${properties.kcInputClass!}"
                           required autofocus autocomplete="off" maxlength="64"
                           aria-invalid="<#if messagesPerField.existsError('name')>true</#if>"/>
                    <@fieldError "name"/>
                </div>
            </div>

            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelWrapperClass!}">
                    <label for="project" class="${properties.kcLabelClass!}">${msg("inferenceApiKeyProject")} *</label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <select id="project" name="project" class="${properties.kcInputClass!}"
                            aria-invalid="<#if messagesPerField.existsError('project')>true</#if>">
                        <#list apiKeyForm.projects as p>
                            <option value="${p.id}"<#if p.id == apiKeyForm.project> selected</#if>>${p.name}</option>
                        </#list>
                    </select>
                    <@fieldError "project"/>
                </div>
            </div>

            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcLabelWrapperClass!}">
                    <label for="expiresOn" class="${properties.kcLabelClass!}">${msg("inferenceApiKeyExpiresOn")}<#if apiKeyForm.expiryRequired> *</#if></label>
                </div>
                <div class="${properties.kcInputWrapperClass!}">
                    <input id="expiresOn" name="expiresOn" type="date" value="${apiKeyForm.expiresOn}" class="${properties.kcInputClass!}"
                           min="${apiKeyForm.minDate}" max="${apiKeyForm.maxDate}"
                           aria-invalid="<#if messagesPerField.existsError('expiresOn')>true</#if>"/>
                    <div id="kc-api-key-expiry-help">
                        <#if apiKeyForm.expiryRequired>${msg("inferenceApiKeyExpiryRequiredHelp", apiKeyForm.maxLifetimeDays)}<#elseif apiKeyForm.maxLifetimeDays gt 0>${msg("inferenceApiKeyExpiryDefaultHelp", apiKeyForm.maxLifetimeDays)}<#else>${msg("inferenceApiKeyExpiryNeverHelp")}</#if>
                    </div>
                    <@fieldError "expiresOn"/>
                </div>
            </div>

            <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                <button type="submit" name="create" id="kc-api-key-create"
                        class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!}">${msg("inferenceApiKeyCreate")}</button>
                <#if isAppInitiatedAction??>
                    <button type="submit" name="cancel-aia" value="true" id="kc-api-key-cancel" formnovalidate
                            class="${properties.kcButtonClass!} ${properties.kcButtonSecondaryClass!(properties.kcButtonDefaultClass!)}">${msg("doCancel")}</button>
                </#if>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
